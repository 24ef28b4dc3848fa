"""Google's push notifications for the crew's calendars.

A notification has no body, only headers: the channel id, the token Patchbay gave the
channel (a random secret per channel, compared in constant time) and the resource
state. A verified `exists` (or `not_exists`) schedules an incremental read of that
user's calendar soon (debounced: a flood is one read); the first message of a channel,
`sync`, needs nothing. The `sync` message may come before Patchbay has stored the
channel, so channels still being made are known from the cache for a short while.
Anything unverified is refused with a 4xx and logged; never a 5xx, which Google would
retry. https://developers.google.com/workspace/calendar/api/guides/push
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from calendars import wake
from calendars.models import ReadCursor
from calendars.providers.google.adapter import pending_key

logger = logging.getLogger(__name__)
SLUG = "google-calendar"
CHANGED = frozenset({"exists", "not_exists"})


def _refuse(status: int, why: str, channel_id: str) -> HttpResponse:
    logger.warning("Google Calendar notification refused (%s): channel %r", why, channel_id[:64])
    return HttpResponse(status=status)


@csrf_exempt
@require_POST
def notification(request: HttpRequest) -> HttpResponse:
    channel_id = request.headers.get("X-Goog-Channel-ID", "")
    token = request.headers.get("X-Goog-Channel-Token", "")
    state = request.headers.get("X-Goog-Resource-State", "")
    if not channel_id or not token:
        return _refuse(400, "no channel id or token", channel_id)
    cursor = (
        ReadCursor.objects.filter(channel_id=channel_id, connection__provider=SLUG)
        .only("connection_id", "channel_secret", "channel_resource")
        .first()
    )
    if cursor is None:
        pending = cache.get(pending_key(channel_id))
        if state == "sync" and pending and constant_time_compare(token, pending):
            return HttpResponse(status=200)
        return _refuse(404, "unknown channel", channel_id)
    if not cursor.channel_secret or not constant_time_compare(token, cursor.channel_secret):
        return _refuse(403, "wrong token", channel_id)
    resource = request.headers.get("X-Goog-Resource-ID", "")
    if cursor.channel_resource and resource and resource != cursor.channel_resource:
        return _refuse(403, "another resource", channel_id)
    if state in CHANGED:
        wake.soon(cursor.connection_id)
    return HttpResponse(status=200)
