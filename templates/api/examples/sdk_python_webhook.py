import os
from collections.abc import Mapping

import patchbay_client as pb

SECRET = os.environ["PATCHBAY_WEBHOOK_SECRET"]  # whsec_…, from the endpoint's page


def receive(headers: Mapping[str, str], raw_body: bytes) -> tuple[int, str]:
    """Call with the request's headers and its body exactly as received (bytes)."""
    try:
        event = pb.verify(SECRET, headers, raw_body)
    except pb.WebhookVerificationError as refused:
        return 400, f"refused: {refused}"
    # webhook-id is the same on every attempt: skip ids you have handled already.
    print(f"{event['type']}: {event['data']}")
    return 204, ""
