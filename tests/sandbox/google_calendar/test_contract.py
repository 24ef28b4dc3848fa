"""Holds the Google Calendar sandbox to Google's discovery document: every request made
here is a method the API has (path, parameters, body), every success body fits the
method's response schema (unknown properties flagged), and every error body has
Google's error shape."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sandbox.google_calendar import faults, seed, store
from sandbox.google_calendar.models import GoogleCalendar
from tests.sandbox.google_calendar.discovery import Discovery, error_problems, reason_of
from tests.sandbox.google_calendar.flow import CALENDAR_LIST, Google, google_for, timed

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

PRIMARY = seed.CREW_USER
EVENT_ID = "pb0123456789abcdef0123456789abcd"


def checked(spec: Discovery, api: Google, response: Response, method_id: str) -> dict[str, Any]:
    """The request (api's last) was that method, valid; its answer fits the method's
    response schema."""
    verb, url, sent = api.last
    method = spec.method_for(verb, url)
    assert method is not None and method.id == method_id, (verb, url, method)
    assert spec.request_problems(verb, url, sent) == []
    if method.response is None:
        assert response.status_code == 204 and response.content == b""
        return {}
    assert response.status_code == 200, response.content
    answer: dict[str, Any] = response.json()
    assert spec.body_problems(method.response, answer) == [], answer
    return answer


def failed(response: Response, status: int, reason: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert error_problems(status, body) == []
    assert reason_of(body) == reason


def _events_path(calendar: str = PRIMARY) -> str:
    return f"calendars/{calendar}/events"


# --- the checker itself can fail ------------------------------------------------------


def test_the_checker_flags_unknown_properties_wrong_types_and_unknown_parameters(
    spec: Discovery,
) -> None:
    body = {"id": "abcde", "summary": 3, "colour": "red", "start": {"dateTime": "tomorrow"}}
    problems = spec.body_problems("Event", body, method_id="calendar.events.insert")
    assert "Event: unknown property 'colour'" in problems
    assert any("Event.summary" in p and "not a string" in p for p in problems)
    assert any("Event.start.dateTime" in p for p in problems)
    assert "Event.end is required for calendar.events.insert" in problems
    url = "https://www.googleapis.com/calendar/v3/calendars/primary/events?since=1&singleEvents=yes"
    problems = spec.request_problems("GET", url)
    assert "calendar.events.list: unknown query parameter 'since'" in problems
    assert any("singleEvents" in p and "not a boolean" in p for p in problems)
    assert spec.request_problems("POST", "https://www.googleapis.com/calendar/v3/events") != []
    assert error_problems(404, {"error": {"code": 404, "message": "x"}}) != []


# --- success bodies -------------------------------------------------------------------


def test_calendar_list_and_calendars_fit_their_schemas(spec: Discovery, api: Google) -> None:
    listed = checked(spec, api, api.get("users/me/calendarList"), "calendar.calendarList.list")
    assert [item["id"] for item in listed["items"]] == [PRIMARY]
    made = checked(
        spec,
        api,
        api.post("calendars", {"summary": "Patchbay - Alpha Hire", "timeZone": "Europe/London"}),
        "calendar.calendars.insert",
    )
    checked(spec, api, api.get(f"calendars/{made['id']}"), "calendar.calendars.get")
    again = checked(spec, api, api.get("users/me/calendarList"), "calendar.calendarList.list")
    assert {item["id"] for item in again["items"]} == {PRIMARY, made["id"]}
    checked(spec, api, api.delete(f"calendars/{made['id']}"), "calendar.calendars.delete")


def test_event_writes_and_reads_fit_the_event_schema(spec: Discovery, api: Google) -> None:
    body = {
        "id": EVENT_ID,
        "start": {"dateTime": "2030-06-12T09:00:00+01:00", "timeZone": "Europe/London"},
        "end": {"dateTime": "2030-06-12T17:00:00+01:00", "timeZone": "Europe/London"},
        "summary": "Load-in: Main Stage",
        "description": "Added by Patchbay",
        "location": "Main Stage",
        "transparency": "opaque",
        "status": "confirmed",
        "source": {"title": "Patchbay", "url": "https://patchbay.example/schedule/"},
        "extendedProperties": {"private": {"patchbay": "1", "pb_ref": EVENT_ID}},
    }
    made = checked(
        spec, api, api.post(f"{_events_path()}?sendUpdates=none", body), "calendar.events.insert"
    )
    assert made["id"] == EVENT_ID and made["etag"]
    read = checked(spec, api, api.get(f"{_events_path()}/{EVENT_ID}"), "calendar.events.get")
    patched = checked(
        spec,
        api,
        api.patch(
            f"{_events_path()}/{EVENT_ID}?sendUpdates=none",
            {"summary": "Moved"},
            **{"If-Match": read["etag"]},
        ),
        "calendar.events.patch",
    )
    assert patched["etag"] != read["etag"] and patched["summary"] == "Moved"
    all_day = {"summary": "Off", "start": {"date": "2030-06-14"}, "end": {"date": "2030-06-15"}}
    checked(spec, api, api.post(_events_path(), all_day), "calendar.events.insert")
    checked(
        spec,
        api,
        api.delete(f"{_events_path()}/{EVENT_ID}?sendUpdates=none"),
        "calendar.events.delete",
    )


def test_full_and_incremental_lists_fit_the_events_schema(spec: Discovery, api: Google) -> None:
    for day in (12, 13, 14):
        api.post(_events_path(), timed(day, 10))
    query = "singleEvents=true&maxResults=2"
    first = checked(spec, api, api.get(f"{_events_path()}?{query}"), "calendar.events.list")
    assert "nextPageToken" in first and "nextSyncToken" not in first  # the last page only
    last = checked(
        spec,
        api,
        api.get(f"{_events_path()}?{query}&pageToken={first['nextPageToken']}"),
        "calendar.events.list",
    )
    gone = last["items"][0]["id"]
    api.delete(f"{_events_path()}/{gone}")
    changes = checked(
        spec,
        api,
        api.get(f"{_events_path()}?singleEvents=true&syncToken={last['nextSyncToken']}"),
        "calendar.events.list",
    )
    assert changes["items"] == [
        {
            "kind": "calendar#event",
            "etag": changes["items"][0]["etag"],
            "id": gone,
            "status": "cancelled",
        }
    ]
    filtered = checked(
        spec,
        api,
        api.get(
            _events_path(),
            {"privateExtendedProperty": "patchbay=1", "timeMin": "2030-06-01T00:00:00Z"},
        ),
        "calendar.events.list",
    )
    assert filtered["items"] == []


def test_watch_answers_a_channel_and_stop_answers_nothing(spec: Discovery, api: Google) -> None:
    request = {
        "id": "0b6e3f1e5c1a4f3e9b0e2f1d7a9c4e21",
        "type": "web_hook",
        "address": "https://patchbay.example/settings/integrations/google-calendar/push/",
        "token": "a-random-secret",
        "params": {"ttl": "604800"},
    }
    channel = checked(
        spec, api, api.post(f"{_events_path()}/watch", request), "calendar.events.watch"
    )
    assert channel["kind"] == "api#channel" and channel["resourceId"]
    stop = {"id": channel["id"], "resourceId": channel["resourceId"]}
    checked(spec, api, api.post("channels/stop", stop), "calendar.channels.stop")


# --- error bodies ---------------------------------------------------------------------


def test_refusals_have_googles_error_shape(spec: Discovery, api: Google, app: Any) -> None:
    failed(api.get(f"{_events_path()}/nosuchevent"), 404, "notFound")
    failed(api.get("calendars/nobody@example.test/events"), 404, "notFound")
    failed(api.post(_events_path(), {"id": "UPPER-case", **timed(12, 9)}), 400, "invalid")
    made = api.post(_events_path(), {"id": EVENT_ID, **timed(12, 9)}).json()
    failed(api.post(_events_path(), {"id": EVENT_ID, **timed(12, 9)}), 409, "duplicate")
    stale = api.patch(f"{_events_path()}/{EVENT_ID}", {"summary": "x"}, **{"If-Match": '"stale"'})
    failed(stale, 412, "conditionNotMet")
    api.delete(f"{_events_path()}/{made['id']}")
    failed(api.delete(f"{_events_path()}/{made['id']}"), 410, "deleted")
    token = api.get(_events_path()).json()["nextSyncToken"]
    store.expire_sync_tokens(GoogleCalendar.objects.get(calendar_id=PRIMARY))
    failed(api.get(_events_path(), {"syncToken": token}), 410, "fullSyncRequired")
    failed(
        api.get(_events_path(), {"syncToken": token, "timeMin": "2030-01-01T00:00:00Z"}),
        400,
        "invalid",
    )
    failed(Google(app, "ya29.not-a-token").get("users/me/calendarList"), 401, "authError")
    listing_only = google_for(app, ticked=(CALENDAR_LIST,))
    failed(listing_only.get(_events_path()), 403, "insufficientPermissions")


def test_limit_answers_have_googles_error_shape(api: Google, settings: Any) -> None:
    settings.SANDBOX_GOOGLE_CALENDAR_USER_MINUTE_LIMIT = 1
    api.get("users/me/calendarList")
    failed(api.get("users/me/calendarList"), 403, "userRateLimitExceeded")
    settings.SANDBOX_GOOGLE_CALENDAR_USER_MINUTE_LIMIT = 600
    faults.throttle_api()
    failed(api.get("users/me/calendarList"), 429, "rateLimitExceeded")
    assert (
        json.loads(api.get("users/me/calendarList").content)["error"]["status"]
        == "RESOURCE_EXHAUSTED"
    )
