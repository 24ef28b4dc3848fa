"""The sandbox console, through its URL as a tester uses it: acting as the crew member
(add a busy event, edit or delete an event Patchbay wrote), as Google (expire the sync
tokens, revoke the app). Each shows up where the app looks: the API's lists, 410s, 401s."""

from __future__ import annotations

from typing import Any

from django.test import Client

from sandbox.google_calendar import seed
from sandbox.google_calendar.models import GoogleCalendar, GoogleEvent, GoogleGrant
from tests.sandbox.google_calendar.discovery import reason_of
from tests.sandbox.google_calendar.flow import CONSOLE, Google, timed

EVENTS = f"calendars/{seed.CREW_USER}/events"
KEY = "pb0123456789abcdef0123456789abcd"


def _act(client: Client, action: str, **fields: Any) -> str:
    """POST an action; the message the console shows after its redirect."""
    answer = client.post(CONSOLE, {"action": action, **fields}, follow=True)
    assert answer.status_code == 200 and answer.redirect_chain[0][0] == CONSOLE
    return answer.content.decode()


def _primary() -> GoogleCalendar:
    return GoogleCalendar.objects.get(calendar_id=seed.CREW_USER)


def _sync_token(api: Google) -> str:
    return str(api.get(EVENTS, {"singleEvents": "true"}).json()["nextSyncToken"])


def test_the_console_shows_the_calendars_events_and_grants(api: Google) -> None:
    api.post(EVENTS, {"id": KEY, **timed(12, 9, summary="Load-in")})
    page = Client().get(CONSOLE).content.decode()
    assert seed.CREW_USER in page and KEY in page and "Load-in" in page


def test_a_busy_event_added_in_the_console_comes_in_the_next_incremental_read(
    api: Google,
) -> None:
    token = _sync_token(api)
    shown = _act(
        Client(),
        "add_busy",
        calendar=_primary().pk,
        summary="Dentist",
        start="2030-06-13 10:00",
        end="2030-06-13 11:30",
    )
    assert "Added" in shown
    [item] = api.get(EVENTS, {"syncToken": token}).json()["items"]
    assert item["summary"] == "Dentist" and item.get("transparency", "opaque") == "opaque"
    assert item["start"] == {"dateTime": "2030-06-13T10:00:00", "timeZone": "Europe/London"}
    assert item["end"]["dateTime"] == "2030-06-13T11:30:00"


def test_a_free_or_all_day_event_from_the_console_says_so(api: Google) -> None:
    client = Client()
    common = {"calendar": _primary().pk, "start": "2030-06-13 00:00", "end": "2030-06-13 00:00"}
    _act(client, "add_busy", summary="Holiday", all_day="on", **common)
    _act(
        client,
        "add_busy",
        summary="Maybe",
        transparent="on",
        **common | {"end": "2030-06-13 01:00"},
    )
    items = {item["summary"]: item for item in api.get(EVENTS).json()["items"]}
    assert items["Holiday"]["start"] == {"date": "2030-06-13"}
    assert items["Holiday"]["end"] == {"date": "2030-06-14"}  # exclusive
    assert items["Maybe"]["transparency"] == "transparent"


def test_editing_an_event_patchbay_wrote_changes_its_etag_and_is_read_back(
    api: Google,
) -> None:
    made = api.post(EVENTS, {"id": KEY, **timed(12, 9, summary="Load-in")}).json()
    token = _sync_token(api)
    event = GoogleEvent.objects.get(event_id=KEY)

    _act(
        Client(),
        "move",
        event=event.pk,
        start="2030-06-12 13:00",
        end="2030-06-12 15:00",
        summary="Moved by me",
    )

    [item] = api.get(EVENTS, {"syncToken": token}).json()["items"]
    assert item["id"] == KEY and item["summary"] == "Moved by me" and item["etag"] != made["etag"]
    assert item["start"]["dateTime"] == "2030-06-12T13:00:00"
    stale = api.patch(f"{EVENTS}/{KEY}", {"summary": "Patchbay"}, **{"If-Match": made["etag"]})
    assert stale.status_code == 412


def test_deleting_an_event_patchbay_wrote_leaves_a_cancelled_husk(api: Google) -> None:
    api.post(EVENTS, {"id": KEY, **timed(12, 9)})
    token = _sync_token(api)

    _act(Client(), "delete_event", event=GoogleEvent.objects.get(event_id=KEY).pk)

    [item] = api.get(EVENTS, {"syncToken": token}).json()["items"]
    assert (item["id"], item["status"]) == (KEY, "cancelled")
    assert set(item) == {"kind", "etag", "id", "status"}  # only the id is guaranteed
    assert api.get(EVENTS).json()["items"] == []  # a full list leaves it out
    assert "already gone" in _act(Client(), "delete_event", event=GoogleEvent.objects.get().pk)


def test_expiring_the_sync_tokens_makes_the_next_read_410(api: Google) -> None:
    token = _sync_token(api)

    shown = _act(Client(), "expire_tokens", calendar=_primary().pk)

    assert "expired" in shown
    answer = api.get(EVENTS, {"syncToken": token})
    assert answer.status_code == 410 and reason_of(answer.json()) == "fullSyncRequired"


def test_revoking_the_app_in_the_console_ends_its_tokens(api: Google, app: Client) -> None:
    grant = GoogleGrant.objects.get()
    assert grant.user.email in Client().get(CONSOLE).content.decode()

    shown = _act(Client(), "revoke", grant=grant.pk)

    assert "Revoked" in shown
    answer = api.get("users/me/calendarList")
    assert answer.status_code == 401 and reason_of(answer.json()) == "authError"
    assert GoogleGrant.objects.get().revoked_at is not None
