"""Batching, signing and delivering Xero webhooks, with Xero's retry and disable rules.

- Body: {"events": [...], "firstEventSequence", "lastEventSequence", "entropy"}; one
  delivery may carry several organisations' events. Signature: `x-xero-signature`,
  base64 HMAC-SHA256 of the exact body with the app's webhook key.
- Success is a 200 within SANDBOX_XERO_WEBHOOK_TIMEOUT_SECONDS (Xero: 5 seconds); no
  redirects are followed.
- Xero retries a failed delivery "with decreasing frequency for up to 24 hours", then
  disables the webhook until someone re-enables it (which needs a new intent-to-receive
  check). The intervals are not published: RETRY_DELAYS is the sandbox's choice.
https://developer.xero.com/documentation/guides/webhooks/configuring-your-server/

Nothing here runs inside the write that made the events: `dispatch` is an on-commit
callback that sends on a thread (inline when SANDBOX_XERO_WEBHOOK_ASYNC is off).
Retries are driven by `deliver_due()`, which every dispatch, the console and tests call.
"""

from __future__ import annotations

import json
import secrets
import string
import threading
import time
from datetime import UTC, datetime, timedelta
from itertools import groupby
from typing import Any

import requests
from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from sandbox.xero.webhooks.models import (
    XeroWebhookDelivery,
    XeroWebhookEvent,
    XeroWebhookSubscription,
)
from sandbox.xero.webhooks.signing import sign

Delivery = XeroWebhookDelivery
# Seconds after the 1st, 2nd, ... failed attempt; then every 6 hours until GIVE_UP.
RETRY_DELAYS = (60, 300, 900, 1_800, 3_600, 7_200, 14_400, 21_600)
GIVE_UP = timedelta(hours=24)
BATCH = 100  # events per delivery


# --- the app's subscription ---------------------------------------------------------------


def app_client_id() -> str:
    return str(settings.XERO_CLIENT_ID)


def subscription(client_id: str | None = None) -> XeroWebhookSubscription:
    """The app's webhook as configured now: a changed URL needs a new intent check."""
    url = str(settings.SANDBOX_XERO_WEBHOOK_URL)
    row, _ = XeroWebhookSubscription.objects.get_or_create(
        client_id=client_id or app_client_id(), defaults={"url": url}
    )
    if row.url != url:
        row.url, row.status = url, XeroWebhookSubscription.Status.INTENT_REQUIRED
        row.status_reason = "The delivery URL changed."
        row.save(update_fields=["url", "status", "status_reason"])
    return row


def key() -> str:
    return str(settings.SANDBOX_XERO_WEBHOOK_KEY)


# --- batching -------------------------------------------------------------------------------


def dispatch() -> None:
    """After a write commits: batch what is owed and send what is due, off the request."""
    if settings.SANDBOX_XERO_WEBHOOK_ASYNC:
        threading.Thread(target=_send_in_thread, daemon=True).start()
    else:
        send_owed()


def send_owed() -> list[Delivery]:
    batch_owed_events()
    return deliver_due()


def batch_owed_events() -> list[Delivery]:
    made: list[Delivery] = []
    with transaction.atomic():
        owed = list(
            XeroWebhookEvent.objects.select_for_update(skip_locked=True)
            .filter(delivery__isnull=True)
            .order_by("client_id", "pk")
        )
        for client_id, group in groupby(owed, key=lambda event: event.client_id):
            events = list(group)
            for start in range(0, len(events), BATCH):
                made += _batch(client_id, events[start : start + BATCH])
    return made


def _batch(client_id: str, events: list[XeroWebhookEvent]) -> list[Delivery]:
    hook = subscription(client_id)
    if not hook.is_ok:  # disabled meanwhile: Xero drops what it could not send
        XeroWebhookEvent.objects.filter(pk__in=[event.pk for event in events]).delete()
        return []
    body = payload([render(event) for event in events], events[0].pk, events[-1].pk)
    delivery = Delivery.objects.create(
        client_id=client_id,
        url=hook.url,
        body=body,
        signature=sign(key(), body.encode()),
        event_count=len(events),
        next_attempt_at=timezone.now(),
    )
    XeroWebhookEvent.objects.filter(pk__in=[event.pk for event in events]).update(delivery=delivery)
    return [delivery]


def payload(events: list[dict[str, Any]], first: int, last: int) -> str:
    return json.dumps(
        {
            "events": events,
            "firstEventSequence": first,
            "lastEventSequence": last,
            "entropy": entropy(),
        }
    )


def entropy() -> str:
    return "".join(secrets.choice(string.ascii_uppercase) for _ in range(20))


def render(event: XeroWebhookEvent) -> dict[str, Any]:
    body: dict[str, Any] = {
        "resourceUrl": event.resource_url,
        "resourceId": str(event.resource_id),
        "eventDateUtc": _utc(event.event_date),
        "eventType": event.event_type,
        "eventCategory": event.category,
        "tenantId": str(event.tenant_id),
        "tenantType": event.tenant_type,
    }
    if event.data is not None:
        body["data"] = event.data
    return body


def _utc(moment: datetime) -> str:
    # ISO 8601 in UTC with milliseconds, as Xero's examples show; "Z" makes it RFC 3339,
    # which the spec's `format: date-time` asks for.
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


# --- delivering -----------------------------------------------------------------------------


def deliver_due(now: datetime | None = None) -> list[Delivery]:
    """Attempt every event delivery whose (re)try time has come."""
    return [attempt(delivery) for delivery in _claim_due(now or timezone.now())]


def _claim_due(now: datetime) -> list[Delivery]:
    with transaction.atomic():
        due = list(
            Delivery.objects.select_for_update(skip_locked=True).filter(
                kind=Delivery.Kind.EVENTS,
                status__in=(Delivery.Status.PENDING, Delivery.Status.RETRYING),
                next_attempt_at__lte=now,
            )
        )
        # Held while it is being sent, so a second sender skips it.
        hold = now + timedelta(seconds=float(settings.SANDBOX_XERO_WEBHOOK_TIMEOUT_SECONDS) + 5)
        Delivery.objects.filter(pk__in=[row.pk for row in due]).update(next_attempt_at=hold)
    return due


def attempt(delivery: Delivery) -> Delivery:
    answer = post(delivery.url, delivery.body, delivery.signature)
    now = timezone.now()
    delivery.attempts += 1
    delivery.first_attempt_at = delivery.first_attempt_at or now
    delivery.last_attempt_at = now
    delivery.status_code, delivery.error, delivery.duration_ms = answer
    if delivery.status_code == 200:
        delivery.status, delivery.next_attempt_at = Delivery.Status.DELIVERED, None
    elif now - delivery.first_attempt_at >= GIVE_UP:
        delivery.status, delivery.next_attempt_at = Delivery.Status.FAILED, None
    else:
        delivery.status = Delivery.Status.RETRYING
        delivery.next_attempt_at = now + timedelta(seconds=retry_delay(delivery.attempts))
    delivery.save()
    if delivery.status == Delivery.Status.FAILED:
        disable(delivery.client_id, f"Deliveries to {delivery.url} failed for 24 hours.")
    return delivery


def retry_delay(failed_attempts: int) -> int:
    return RETRY_DELAYS[min(failed_attempts, len(RETRY_DELAYS)) - 1]


def disable(client_id: str, reason: str) -> None:
    """Xero stops sending: the webhook waits for a person to re-enable it."""
    XeroWebhookSubscription.objects.filter(client_id=client_id).update(
        status=XeroWebhookSubscription.Status.DISABLED, status_reason=reason
    )
    Delivery.objects.filter(
        client_id=client_id, status__in=(Delivery.Status.PENDING, Delivery.Status.RETRYING)
    ).update(status=Delivery.Status.FAILED, next_attempt_at=None, error=reason)


Answer = tuple[int | None, str, int]


def post(url: str, body: str, signature: str) -> Answer:
    """(status code or None, error, milliseconds) of one POST as Xero makes it."""
    headers = {"Content-Type": "application/json", "x-xero-signature": signature}
    timeout = float(settings.SANDBOX_XERO_WEBHOOK_TIMEOUT_SECONDS)
    started = time.monotonic()
    try:
        response = requests.post(
            url, data=body.encode(), headers=headers, timeout=timeout, allow_redirects=False
        )
    except requests.RequestException as failure:
        return None, f"{type(failure).__name__}: {failure}"[:1000], _since(started)
    return response.status_code, _answer_problem(response), _since(started)


def _answer_problem(response: requests.Response) -> str:
    """Xero asks for an empty body and no cookies; the sandbox says when they are not."""
    problems = []
    if response.content:
        problems.append(f"the answer had a body ({len(response.content)} bytes)")
    if "Set-Cookie" in response.headers:
        problems.append("the answer set a cookie")
    return "; ".join(problems)


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _send_in_thread() -> None:
    try:
        send_owed()
    finally:
        close_old_connections()
