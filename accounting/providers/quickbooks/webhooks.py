"""Intuit's notification body, in either of its two formats.

Legacy: {"eventNotifications": [{"realmId", "dataChangeEvent": {"entities": [...]}}]}.
CloudEvents (Intuit's replacement, mandatory from 2026): an array of events, each with
the company in `intuitaccountid`. Both carry ids only; the sync reads the entities.
https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks/managing-webhooks-notifications
"""

from __future__ import annotations

from typing import Any

from integrations.provider_webhooks.notices import Notice, Unreadable, text
from integrations.provider_webhooks.sources import Source


def read(body: Any) -> Notice:
    if isinstance(body, list):
        return _cloud_events(body)
    if isinstance(body, dict) and isinstance(body.get("eventNotifications"), list):
        return _legacy(body["eventNotifications"])
    raise Unreadable("neither eventNotifications nor a CloudEvents array")


def _legacy(notifications: list[Any]) -> Notice:
    realms: set[str] = set()
    count = 0
    for notification in notifications:
        if not isinstance(notification, dict):
            raise Unreadable("a notification is not an object")
        realms.add(text(notification.get("realmId"), "realmId"))
        change = notification.get("dataChangeEvent")
        entities = change.get("entities") if isinstance(change, dict) else None
        count += len(entities) if isinstance(entities, list) else 0
    return Notice(frozenset(realms), count)


def _cloud_events(events: list[Any]) -> Notice:
    realms = frozenset(_account(event) for event in events)
    return Notice(realms, len(events))


def _account(event: Any) -> str:
    if not isinstance(event, dict):
        raise Unreadable("an event is not an object")
    return text(event.get("intuitaccountid"), "intuitaccountid")


SOURCE = Source("quickbooks", "intuit-signature", "QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN", read)
