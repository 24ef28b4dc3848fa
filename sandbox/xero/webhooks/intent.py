"""Xero's intent-to-receive check, which a webhook must pass before Xero sends events.

When a webhook is created, re-enabled or its URL changes, Xero POSTs payloads with no
events: one correctly signed, which must get 200, and one signed with the wrong key,
which must get 401, each within the timeout. Pass both and the webhook is OK; fail
either and it stays "Intent to receive required". The sandbox also fails an answer with
a body or a cookie, which Xero's guide rules out.
https://developer.xero.com/documentation/guides/webhooks/configuring-your-server/#intent-to-receive

The empty payload carries sequence numbers 0, as in Xero's examples of it (the spec's
`minimum: 1` describes event deliveries).
"""

from __future__ import annotations

import json
import threading

from django.db import close_old_connections
from django.utils import timezone

from sandbox.xero.webhooks import sender
from sandbox.xero.webhooks.models import XeroWebhookDelivery, XeroWebhookSubscription
from sandbox.xero.webhooks.signing import sign, wrong_key

Delivery = XeroWebhookDelivery
Status = XeroWebhookSubscription.Status
EXPECTED: dict[str, int] = {Delivery.Kind.INTENT_SIGNED: 200, Delivery.Kind.INTENT_MISSIGNED: 401}


def send_intent_to_receive(client_id: str | None = None) -> XeroWebhookSubscription:
    """Run the check now (waits for both answers) and return the webhook's new state."""
    hook = sender.subscription(client_id)
    answers = [_ask(hook, kind) for kind in EXPECTED]
    failed = [row for row in answers if row.status == Delivery.Status.WRONG_ANSWER]
    hook.status = Status.INTENT_REQUIRED if failed else Status.OK
    hook.status_reason = "; ".join(_explain(row) for row in failed)
    hook.checked_at = timezone.now()
    hook.save(update_fields=["status", "status_reason", "checked_at"])
    return hook


def send_in_background(client_id: str | None = None) -> None:
    """For the console: the receiver may be this very server, so never wait in a request."""

    def run() -> None:
        try:
            send_intent_to_receive(client_id)
        finally:
            close_old_connections()

    threading.Thread(target=run, daemon=True).start()


def _ask(hook: XeroWebhookSubscription, kind: str) -> Delivery:
    body = json.dumps(
        {"events": [], "firstEventSequence": 0, "lastEventSequence": 0, "entropy": sender.entropy()}
    )
    key = sender.key() if kind == Delivery.Kind.INTENT_SIGNED else wrong_key(sender.key())
    row = Delivery(
        client_id=hook.client_id,
        kind=kind,
        url=hook.url,
        body=body,
        signature=sign(key, body.encode()),
    )
    row.status_code, row.error, row.duration_ms = sender.post(row.url, row.body, row.signature)
    row.attempts, row.first_attempt_at = 1, timezone.now()
    row.last_attempt_at = row.first_attempt_at
    right = row.status_code == EXPECTED[kind] and not row.error
    row.status = Delivery.Status.ANSWERED if right else Delivery.Status.WRONG_ANSWER
    row.save()
    return row


def _explain(row: Delivery) -> str:
    what = "correctly" if row.kind == Delivery.Kind.INTENT_SIGNED else "wrongly"
    got = row.error if row.status_code is None else f"{row.status_code}"
    if row.status_code is not None and row.error:
        got += f" ({row.error})"
    return f"the {what} signed request got {got}, expected {EXPECTED[row.kind]}"


def mark_verified(client_id: str | None = None) -> XeroWebhookSubscription:
    """For tests: the webhook as if it had passed the check (no requests made)."""
    hook = sender.subscription(client_id)
    hook.status, hook.status_reason, hook.checked_at = Status.OK, "", timezone.now()
    hook.save(update_fields=["status", "status_reason", "checked_at"])
    return hook
