"""Xero's notification body (schema WebhookEvent in xero-webhooks.yaml).

{"events": [{"resourceUrl", "resourceId", "eventDateUtc", "eventType", "eventCategory",
"tenantId", "tenantType"}], "firstEventSequence", "lastEventSequence", "entropy"}. No
entity data: a sync reads the records. One delivery may name several tenants. An empty
`events` list is the intent-to-receive check.
https://developer.xero.com/documentation/guides/webhooks/overview/
"""

from __future__ import annotations

from typing import Any

from integrations.provider_webhooks.notices import Notice, Unreadable, text
from integrations.provider_webhooks.sources import Source


def read(body: Any) -> Notice:
    if not isinstance(body, dict) or not isinstance(body.get("events"), list):
        raise Unreadable("no events list")
    events = body["events"]
    tenants = frozenset(_tenant(event) for event in events)
    return Notice(tenants, len(events), _sequence(body))


def _tenant(event: Any) -> str:
    if not isinstance(event, dict):
        raise Unreadable("an event is not an object")
    return text(event.get("tenantId"), "tenantId")


def _sequence(body: dict[str, Any]) -> str:
    first, last = body.get("firstEventSequence"), body.get("lastEventSequence")
    return f"{first}-{last}" if isinstance(first, int) and isinstance(last, int) else ""


# Xero checks the endpoint with empty, correctly and wrongly signed deliveries.
SOURCE = Source("xero", "x-xero-signature", "XERO_WEBHOOK_KEY", read, handshake=True)
