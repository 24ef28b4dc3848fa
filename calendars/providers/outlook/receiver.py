"""Graph's change and lifecycle notifications for Outlook subscriptions.

- A `validationToken` query parameter is the handshake when a subscription is made:
  echo it, URL-decoded, as text/plain with 200 within 10 seconds.
  https://learn.microsoft.com/graph/change-notifications-delivery-webhooks
- Otherwise the body is `{"value": [...]}`; each notification counts only if its
  subscriptionId is a subscription Patchbay holds and its clientState matches that
  subscription's secret (compared in constant time). A verified one schedules a read
  of that user's calendar soon (calendars.wake.soon debounces floods); the answer is
  202 within Graph's 3 seconds, as no provider call is made here.
- Lifecycle events (https://learn.microsoft.com/graph/change-notifications-lifecycle-events):
  reauthorizationRequired marks the subscription due for renewal; subscriptionRemoved
  forgets it so the next sync makes a new one; missed, like both, schedules a read.
- A notification may come before Patchbay has saved the subscription it belongs to
  (Graph can notify as soon as it has made it, before the POST's answer arrives): its
  clientState, kept in the cache (by digest) from just before the POST for a couple of
  minutes, then names the connection, which gets a read soon.
- Nothing verified: 403 (unknown subscription or wrong clientState), logged. Unreadable
  bodies: 400. Never a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from calendars import wake
from calendars.models import ReadCursor
from calendars.providers.outlook.adapter import pending_key
from tenancy import bounded_json

log = logging.getLogger(__name__)
MAX_VALIDATION_TOKEN = 2048
MAX_BODY = 1_000_000


def _handshake(request: HttpRequest) -> HttpResponse | None:
    token = request.GET.get("validationToken")
    if token is None:
        return None
    if not token or len(token) > MAX_VALIDATION_TOKEN:
        return HttpResponse("Bad validation token.", status=400, content_type="text/plain")
    return HttpResponse(token, status=200, content_type="text/plain")


def _notifications(request: HttpRequest) -> list[dict[str, Any]] | None:
    if len(request.body) > MAX_BODY:
        return None
    try:
        body = bounded_json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return None
    items = body.get("value") if isinstance(body, dict) else None
    if not isinstance(items, list):
        return None
    return [item for item in items if isinstance(item, dict)]


def _verified(item: dict[str, Any]) -> ReadCursor | None:
    subscription = str(item.get("subscriptionId") or "")
    state = str(item.get("clientState") or "")
    if not subscription or not state:
        return None
    cursor = (
        ReadCursor.objects.select_related("connection")
        .filter(channel_id=subscription, connection__provider="outlook")
        .first()
    )
    if cursor is None or not cursor.channel_secret:
        return None
    return cursor if constant_time_compare(state, cursor.channel_secret) else None


def _pending(item: dict[str, Any]) -> int | None:
    """The connection of a subscription made moments ago and not yet saved, found by
    the clientState it was given (a digest lookup: a wrong state finds nothing)."""
    state = str(item.get("clientState") or "")
    if not state or not item.get("subscriptionId"):
        return None
    found = cache.get(pending_key(state))
    return found if isinstance(found, int) else None


def _receive(request: HttpRequest, on_verified: Any) -> HttpResponse:
    handshake = _handshake(request)
    if handshake is not None:
        return handshake
    items = _notifications(request)
    if items is None:
        log.warning("Outlook notification refused: unreadable body")
        return HttpResponse(status=400)
    woken: set[int] = set()
    refused = 0
    seen: dict[tuple[str, str], ReadCursor | None] = {}  # a batch repeats itself
    for item in items:
        pair = (str(item.get("subscriptionId") or ""), str(item.get("clientState") or ""))
        if pair not in seen:
            seen[pair] = _verified(item)
        cursor = seen[pair]
        if cursor is None:
            pending = _pending(item)
            if pending is None:
                refused += 1
            else:  # nothing of the subscription's own to record yet: a read finds it all
                woken.add(pending)
            continue
        on_verified(cursor, item)
        woken.add(cursor.connection_id)
    for connection_id in woken:
        wake.soon(connection_id)
    if refused:
        log.warning(
            "Outlook notification refused: %d of %d with an unknown subscription or a "
            "wrong clientState",
            refused,
            len(items),
        )
    return HttpResponse(status=202 if woken else 403)


def _change(cursor: ReadCursor, item: dict[str, Any]) -> None:
    """A change: nothing to record; the read finds what changed."""


def _lifecycle(cursor: ReadCursor, item: dict[str, Any]) -> None:
    event = str(item.get("lifecycleEvent", ""))
    if event == "reauthorizationRequired":
        # Renewing also reauthorizes; the engine renews what expires soon.
        cursor.channel_expires_at = timezone.now()
        cursor.save(update_fields=["channel_expires_at"])
    elif event == "subscriptionRemoved":
        cursor.channel_id = cursor.channel_resource = cursor.channel_secret = ""
        cursor.channel_expires_at = None
        cursor.save(
            update_fields=["channel_id", "channel_resource", "channel_secret", "channel_expires_at"]
        )
    log.info("Outlook lifecycle event %s for connection %s", event, cursor.connection_id)


@csrf_exempt
@require_POST
def notifications(request: HttpRequest) -> HttpResponse:
    return _receive(request, _change)


@csrf_exempt
@require_POST
def lifecycle(request: HttpRequest) -> HttpResponse:
    return _receive(request, _lifecycle)
