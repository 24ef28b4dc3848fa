"""Watch channels: the sandbox really calls Patchbay's receiver; verified notifications
wake one read per burst; unknown channels and wrong tokens are refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

from django.test import Client

from calendars.models import ReadCursor
from sandbox.google_calendar import store
from sandbox.google_calendar.models import GoogleChannel, GoogleDelivery
from tests.calendars.providers.google.conftest import Crew, cursor_for

URL = "/settings/integrations/google-calendar/push/"


def _watched(crew: Crew) -> ReadCursor:
    cursor = cursor_for(crew)
    crew.adapter.renew_watch(cursor)
    cursor.save()
    return cursor


def _headers(cursor: ReadCursor, token: str | None = None, state: str = "exists") -> Any:
    return {
        "HTTP_X_GOOG_CHANNEL_ID": cursor.channel_id,
        "HTTP_X_GOOG_CHANNEL_TOKEN": cursor.channel_secret if token is None else token,
        "HTTP_X_GOOG_RESOURCE_ID": cursor.channel_resource,
        "HTTP_X_GOOG_RESOURCE_STATE": state,
    }


def test_the_sandbox_calls_the_receiver_which_wakes_a_read(crew: Crew) -> None:
    with mock.patch("calendars.wake.soon") as soon:
        cursor = _watched(crew)
        store.insert(
            crew.primary,
            "",
            {
                "summary": "Busy",
                "start": {"dateTime": "2030-06-13T10:00:00Z"},
                "end": {"dateTime": "2030-06-13T11:00:00Z"},
            },
        )
    deliveries = list(GoogleDelivery.objects.order_by("pk").values_list("state", "status"))
    assert deliveries == [("sync", 200), ("exists", 200)]
    soon.assert_called_once_with(crew.connection.pk)
    assert cursor.channel_expires_at is not None


def test_renewing_makes_a_new_channel_and_stops_the_old(crew: Crew) -> None:
    cursor = _watched(crew)
    old = cursor.channel_id
    crew.adapter.renew_watch(cursor)
    assert cursor.channel_id != old
    assert GoogleChannel.objects.get(channel_id=old).stopped_at is not None
    crew.adapter.stop_watch(cursor)
    assert cursor.channel_id == "" and not GoogleChannel.objects.filter(stopped_at=None).exists()


def test_a_flood_of_notifications_is_one_read(crew: Crew, settings: Any) -> None:
    cursor = _watched(crew)
    client = Client()
    # The debounce window covers the whole flood however slow the test machine is.
    window = mock.patch("calendars.wake.DEBOUNCE", timedelta(seconds=120))
    with mock.patch("integrations.syncs.sync_connection.apply_async") as enqueued, window:
        for _ in range(1000):
            assert client.post(URL, **_headers(cursor)).status_code == 200
    assert enqueued.call_count == 1


def test_unknown_channels_and_wrong_tokens_are_refused(crew: Crew) -> None:
    cursor = _watched(crew)
    client = Client()
    with mock.patch("calendars.wake.soon") as soon:
        wrong = client.post(URL, **_headers(cursor, token="not-the-secret"))
        unknown_headers = _headers(cursor)
        unknown_headers["HTTP_X_GOOG_CHANNEL_ID"] = "nope"
        unknown = client.post(URL, **unknown_headers)
        bare = client.post(URL)
    assert (wrong.status_code, unknown.status_code, bare.status_code) == (403, 404, 400)
    soon.assert_not_called()
