"""What the sandbox sends to the app: webhook notifications and the Disconnect URL call.

Webhooks: one notification per write (a request or a console action) that changed data,
POSTed to SANDBOX_QUICKBOOKS_WEBHOOK_URL with `intuit-signature` (base64 HMAC-SHA256 of
the raw body, keyed with the app's verifier token). The legacy body is
{"eventNotifications": [{"realmId", "dataChangeEvent": {"entities": [...]}}]};
SANDBOX_QUICKBOOKS_WEBHOOK_FORMAT="cloudevents" sends the CloudEvents array instead.
https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks/managing-webhooks-notifications

Delivery happens after the transaction commits, on a thread, with a short timeout
(Intuit expects an answer within 3 seconds), so a dead endpoint never holds up the call
that changed the data. Every attempt is recorded (QboDelivery) and shown in the console.
Intuit's retry schedule is not emulated; `deliver_pending()` retries what failed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import uuid
from collections.abc import Iterable
from datetime import UTC
from typing import Any
from urllib.parse import urlencode

import requests
from django.db import close_old_connections, transaction
from django.utils import timezone

from sandbox.quickbooks import conf
from sandbox.quickbooks.models import QboDelivery
from sandbox.quickbooks.store import Books, Change

Json = dict[str, Any]


def intuit_signature(body: bytes, verifier_token: str) -> str:
    """The intuit-signature header: base64 of HMAC-SHA256 over the raw body, keyed with the
    app's verifier token.
    https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks/managing-webhooks-notifications
    """
    mac = hmac.new(verifier_token.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(mac).decode("ascii")


PAST_TENSE = {"Create": "created", "Update": "updated", "Delete": "deleted", "Void": "voided"}


def notify(books: Books) -> QboDelivery | None:
    """Queue the webhook for what `books` changed; sent once the transaction commits."""
    url = str(conf.get("WEBHOOK_URL"))
    if not url or not books.changes:
        return None
    if books.client_id and not conf.get("WEBHOOK_ON_API_WRITES"):
        return None
    events = _events(books.changes)
    body = json.dumps(_body(books.company.realm_id, events)).encode()
    delivery = QboDelivery.objects.create(
        kind=QboDelivery.Kind.WEBHOOK,
        realm_id=books.company.realm_id,
        url=url,
        body=body.decode(),
        signature=intuit_signature(body, str(conf.get("VERIFIER_TOKEN"))),
    )
    transaction.on_commit(lambda: dispatch([delivery.pk]))
    return delivery


def disconnected(realm_id: str) -> QboDelivery | None:
    """Queue the call to the app's Disconnect URL, with the realm as `realmId`."""
    url = str(conf.get("DISCONNECT_URL"))
    if not url:
        return None
    separator = "&" if "?" in url else "?"
    delivery = QboDelivery.objects.create(
        kind=QboDelivery.Kind.DISCONNECT,
        realm_id=realm_id,
        url=f"{url}{separator}{urlencode({'realmId': realm_id})}",
    )
    transaction.on_commit(lambda: dispatch([delivery.pk]))
    return delivery


def dispatch(pks: list[int]) -> None:
    if conf.get("WEBHOOK_ASYNC"):
        threading.Thread(target=_deliver_in_thread, args=(pks,), daemon=True).start()
    else:
        for pk in pks:
            deliver(pk)


def deliver_pending(realm_id: str | None = None) -> list[QboDelivery]:
    """Send every delivery not yet answered with a 2xx (for tests and the console)."""
    rows = QboDelivery.objects.exclude(status_code__gte=200, status_code__lt=300)
    if realm_id is not None:
        rows = rows.filter(realm_id=realm_id)
    return [deliver(pk) for pk in rows.values_list("pk", flat=True)]


def deliver(pk: int) -> QboDelivery:
    row = QboDelivery.objects.get(pk=pk)
    timeout = float(conf.get("WEBHOOK_TIMEOUT_SECONDS"))
    status: int | None = None
    error = ""
    try:
        if row.kind == QboDelivery.Kind.WEBHOOK:
            headers = {"Content-Type": "application/json", "intuit-signature": row.signature}
            answer = requests.post(
                row.url, data=row.body.encode(), headers=headers, timeout=timeout
            )
        else:
            answer = requests.get(row.url, timeout=timeout, allow_redirects=False)
        status = answer.status_code
    except requests.RequestException as failure:
        error = f"{type(failure).__name__}: {failure}"[:1000]
    row.status_code, row.error, row.attempted_at = status, error, timezone.now()
    row.save(update_fields=["status_code", "error", "attempted_at"])
    return row


def _deliver_in_thread(pks: list[int]) -> None:
    try:
        for pk in pks:
            deliver(pk)
    finally:
        close_old_connections()


def _events(changes: Iterable[Change]) -> list[Change]:
    """One event per entity: a created entity stays "Create" whatever followed it."""
    found: dict[tuple[str, str], Change] = {}
    for change in changes:
        key = (change.entity, change.entity_id)
        earlier = found.get(key)
        if earlier is None or earlier.operation != "Create":
            found[key] = change
    return list(found.values())


def _body(realm_id: str, events: list[Change]) -> Any:
    if conf.get("WEBHOOK_FORMAT") == "cloudevents":
        return [_cloud_event(realm_id, event) for event in events]
    entities = [
        {
            "name": event.entity,
            "id": event.entity_id,
            "operation": event.operation,
            "lastUpdated": _utc(event),
        }
        for event in events
    ]
    return {
        "eventNotifications": [{"realmId": realm_id, "dataChangeEvent": {"entities": entities}}]
    }


def _cloud_event(realm_id: str, event: Change) -> Json:
    # https://blogs.a.intuit.com/2025/11/12/upcoming-change-to-webhooks-payload-structure
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "intuit.sandbox",
        "type": f"qbo.{event.entity.lower()}.{PAST_TENSE.get(event.operation, 'updated')}.v1",
        "datacontenttype": "application/json",
        "time": _utc(event),
        "intuitentityid": event.entity_id,
        "intuitaccountid": realm_id,
        "data": {},
    }


def _utc(event: Change) -> str:
    return event.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
