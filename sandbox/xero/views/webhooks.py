"""The console's Webhooks panel: the app's subscription, its deliveries, and the buttons
Xero's developer portal has ("Send intent to receive") plus one to send due retries now."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from sandbox.xero.webhooks import intent, sender
from sandbox.xero.webhooks.models import XeroWebhookDelivery

SHOWN = 30


def context(request: HttpRequest) -> dict[str, Any]:
    return {
        "webhook": sender.subscription(),
        "webhook_deliveries": XeroWebhookDelivery.objects.all()[:SHOWN],
    }


def _intent(request: HttpRequest) -> str:
    if settings.SANDBOX_XERO_WEBHOOK_ASYNC:
        intent.send_in_background()
        return "Intent to receive sent: reload in a few seconds to see the webhook's status."
    hook = intent.send_intent_to_receive()
    return f"Intent to receive: the webhook is now {hook.get_status_display()}."


def _send_due(request: HttpRequest) -> str:
    if settings.SANDBOX_XERO_WEBHOOK_ASYNC:
        sender.dispatch()
        return "Due deliveries are being sent: reload in a few seconds."
    sent = sender.send_owed()
    return f"{len(sent)} due delivery(ies) attempted."


ACTIONS: dict[str, Callable[[HttpRequest], str]] = {
    "webhook-intent": _intent,
    "webhook-send-due": _send_due,
}
