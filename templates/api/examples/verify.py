# pip install standardwebhooks
import os

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

webhook = Webhook(os.environ["PATCHBAY_WEBHOOK_SECRET"])  # "whsec_…"


def handle(raw_body: bytes, headers: dict[str, str]) -> int:
    """Returns the HTTP status to answer. Pass the body exactly as received."""
    try:
        event = webhook.verify(raw_body, headers)
    except WebhookVerificationError:
        return 400  # bad signature, or a timestamp more than 5 minutes off
    # Deliveries are at least once: skip an event whose webhook-id you have seen.
    print(event["type"], event["data"])
    return 204
