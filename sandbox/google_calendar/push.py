"""Push channels as Google runs them: events.watch makes a channel, Google POSTs a
`sync` message to its address at once (possibly before the watch call has answered),
then a body-less `exists` message after each change to the calendar. Message numbers
increase but skip. A 500, 502, 503 or 504 reply is retried with back-off; anything
else is a failed delivery. Notifications are "not 100% reliable": a knob drops some.
https://developers.google.com/workspace/calendar/api/guides/push
"""

from __future__ import annotations

import random
import secrets
import threading
import time
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.db import close_old_connections
from django.db.models import F
from django.utils import timezone

from sandbox.google_calendar.models import GoogleChannel, GoogleDelivery

RETRIED = frozenset({500, 502, 503, 504})
ATTEMPTS = 4
TIMEOUT = (3, 10)
MAX_TTL_SECONDS = 7 * 24 * 3600


def resource_id(calendar_pk: int) -> str:
    """One opaque id per watched resource (the calendar's events collection)."""
    return f"gcal{calendar_pk:08d}" + secrets.token_hex(4)


def channel_expiration(ttl: str | None) -> datetime:
    """The more restrictive of the asked ttl and Google's limit (7 days, the default)."""
    try:
        seconds = int(ttl) if ttl else MAX_TTL_SECONDS
    except ValueError:
        seconds = MAX_TTL_SECONDS
    return timezone.now() + timedelta(seconds=max(1, min(seconds, MAX_TTL_SECONDS)))


def _next_number(channel: GoogleChannel, first: bool) -> int:
    step = 1 if first else random.randint(1, 5)  # noqa: S311 - not security, just skips
    GoogleChannel.objects.filter(pk=channel.pk).update(message_number=F("message_number") + step)
    channel.refresh_from_db(fields=["message_number"])
    return channel.message_number


def _headers(channel: GoogleChannel, state: str, number: int) -> dict[str, str]:
    headers = {
        "X-Goog-Channel-ID": channel.channel_id,
        "X-Goog-Channel-Expiration": channel.expiration.strftime("%a, %d %b %Y %H:%M:%S GMT"),
        "X-Goog-Resource-ID": channel.resource_id,
        "X-Goog-Resource-URI": (
            "https://www.googleapis.com/calendar/v3/calendars/"
            f"{channel.calendar.calendar_id}/events?alt=json"
        ),
        "X-Goog-Resource-State": state,
        "X-Goog-Message-Number": str(number),
        "User-Agent": "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)",
        "Content-Length": "0",
    }
    if channel.token:
        headers["X-Goog-Channel-Token"] = channel.token
    return headers


def _deliver(channel_pk: int, state: str) -> None:
    channel = GoogleChannel.objects.select_related("calendar").get(pk=channel_pk)
    number = _next_number(channel, state == "sync")
    delivery = GoogleDelivery.objects.create(channel=channel, state=state, message_number=number)
    if state != "sync" and random.random() < float(settings.SANDBOX_GOOGLE_CALENDAR_DROP_RATIO):  # noqa: S311
        GoogleDelivery.objects.filter(pk=delivery.pk).update(dropped=True)
        return
    pause = float(settings.SANDBOX_GOOGLE_CALENDAR_PUSH_BACKOFF_SECONDS)
    status: int | None = None
    for attempt in range(ATTEMPTS):
        try:
            status = requests.post(
                channel.address, headers=_headers(channel, state, number), timeout=TIMEOUT
            ).status_code
        except requests.RequestException:
            status = None
        if status is not None and status not in RETRIED:
            break
        time.sleep(pause * 2**attempt)
    GoogleDelivery.objects.filter(pk=delivery.pk).update(status=status, attempts=attempt + 1)


def _send(channel_pk: int, state: str) -> None:
    if not settings.SANDBOX_GOOGLE_CALENDAR_PUSH_ASYNC:
        _deliver(channel_pk, state)
        return

    def run() -> None:
        try:
            _deliver(channel_pk, state)
        finally:
            close_old_connections()

    threading.Thread(target=run, daemon=True, name=f"gcal-push-{channel_pk}").start()


def channel_made(channel: GoogleChannel) -> None:
    _send(channel.pk, "sync")


def calendar_changed(calendar_pk: int) -> None:
    live = GoogleChannel.objects.filter(
        calendar_id=calendar_pk, stopped_at__isnull=True, expiration__gt=timezone.now()
    )
    for channel_pk in live.values_list("pk", flat=True):
        _send(channel_pk, "exists")
