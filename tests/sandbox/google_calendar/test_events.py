"""The sandbox's events as Google keeps them: client-supplied ids (base32hex, 5 to 1024
characters, unique even after a delete), etags with If-Match, sync tokens that expire
into 410 fullSyncRequired, and the limits' 403 and 429 answers."""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.google_calendar import faults, seed, store
from sandbox.google_calendar.models import GoogleCalendar, GoogleEvent
from tests.sandbox.google_calendar.discovery import error_problems, reason_of
from tests.sandbox.google_calendar.flow import Google, timed

EVENTS = f"calendars/{seed.CREW_USER}/events"
KEY = "pb0123456789abcdef0123456789abcd"


def _refused(response: Any, status: int, reason: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()
    assert error_problems(status, body) == [] and reason_of(body) == reason
    return body


@pytest.mark.parametrize(
    "event_id",
    ["abcd", "ABCDE12345", "pbwxyz0123", "pb-0123456789", "a" * 1025],
    ids=["four characters", "upper case", "beyond v", "a dash", "1025 characters"],
)
def test_an_id_outside_base32hex_or_its_lengths_is_400(api: Google, event_id: str) -> None:
    _refused(api.post(EVENTS, {"id": event_id, **timed(12, 9)}), 400, "invalid")
    assert not GoogleEvent.objects.exists()


@pytest.mark.parametrize("event_id", ["abcde", "0" * 1024, "v" * 40, KEY])
def test_ids_within_googles_rules_are_kept_as_given(api: Google, event_id: str) -> None:
    made = api.post(EVENTS, {"id": event_id, **timed(12, 9)})
    assert made.status_code == 200 and made.json()["id"] == event_id


def test_a_second_insert_with_the_same_id_is_409_even_after_a_delete(api: Google) -> None:
    first = api.post(EVENTS, {"id": KEY, **timed(12, 9)})
    body = _refused(api.post(EVENTS, {"id": KEY, **timed(12, 9)}), 409, "duplicate")
    assert body["error"]["message"] == "The requested identifier already exists."
    api.delete(f"{EVENTS}/{first.json()['id']}")
    _refused(api.post(EVENTS, {"id": KEY, **timed(12, 9)}), 409, "duplicate")
    assert GoogleEvent.objects.count() == 1


def test_if_match_with_a_stale_etag_is_412_and_the_event_is_untouched(api: Google) -> None:
    made = api.post(EVENTS, {"id": KEY, **timed(12, 9)}).json()
    edited = api.patch(f"{EVENTS}/{KEY}", {"summary": "Moved"}).json()  # no If-Match: applies
    assert edited["etag"] != made["etag"]

    stale = {"If-Match": made["etag"]}
    _refused(api.patch(f"{EVENTS}/{KEY}", {"summary": "Patchbay"}, **stale), 412, "conditionNotMet")
    _refused(api.delete(f"{EVENTS}/{KEY}", **stale), 412, "conditionNotMet")
    assert api.get(f"{EVENTS}/{KEY}").json()["summary"] == "Moved"

    current = {"If-Match": edited["etag"]}
    assert api.patch(f"{EVENTS}/{KEY}", {"summary": "Patchbay"}, **current).status_code == 200
    fresh = api.get(f"{EVENTS}/{KEY}").json()["etag"]
    assert api.get(f"{EVENTS}/{KEY}", **{"If-None-Match": fresh}).status_code == 304
    assert api.delete(f"{EVENTS}/{KEY}", **{"If-Match": fresh}).status_code == 204
    _refused(api.delete(f"{EVENTS}/{KEY}"), 410, "deleted")


def test_an_expired_sync_token_is_410_full_sync_required_and_a_full_read_starts_over(
    api: Google,
) -> None:
    api.post(EVENTS, timed(12, 9))
    token = api.get(EVENTS, {"singleEvents": "true"}).json()["nextSyncToken"]
    api.post(EVENTS, timed(13, 9))
    assert len(api.get(EVENTS, {"syncToken": token}).json()["items"]) == 1

    store.expire_sync_tokens(GoogleCalendar.objects.get(calendar_id=seed.CREW_USER))

    body = _refused(api.get(EVENTS, {"syncToken": token}), 410, "fullSyncRequired")
    assert body["error"]["errors"][0]["domain"] == "calendar"
    assert body["error"]["errors"][0]["location"] == "syncToken"
    full = api.get(EVENTS).json()
    assert len(full["items"]) == 2 and full["nextSyncToken"] != token
    assert api.get(EVENTS, {"syncToken": full["nextSyncToken"]}).json()["items"] == []


@pytest.mark.parametrize("beside", ["timeMin", "q", "orderBy", "privateExtendedProperty"])
def test_a_sync_token_with_a_parameter_google_forbids_beside_it_is_400(
    api: Google, beside: str
) -> None:
    token = api.get(EVENTS).json()["nextSyncToken"]
    values = {"timeMin": "2030-01-01T00:00:00Z", "q": "x", "orderBy": "updated"}
    params = {"syncToken": token, beside: values.get(beside, "patchbay=1")}
    _refused(api.get(EVENTS, params), 400, "invalid")


def test_the_per_user_minute_limit_answers_403_user_rate_limit_exceeded(
    api: Google, settings: Any
) -> None:
    settings.SANDBOX_GOOGLE_CALENDAR_USER_MINUTE_LIMIT = 3
    assert [api.get("users/me/calendarList").status_code for _ in range(3)] == [200] * 3
    body = _refused(api.get("users/me/calendarList"), 403, "userRateLimitExceeded")
    error = body["error"]
    assert error["message"] == "Rate Limit Exceeded"
    assert error["errors"][0]["domain"] == "usageLimits"
    assert "Retry-After" not in api.get("users/me/calendarList")


def test_throttling_answers_429_without_retry_after_unless_configured(
    api: Google, settings: Any
) -> None:
    faults.throttle_api()
    plain = api.get("users/me/calendarList")
    _refused(plain, 429, "rateLimitExceeded")
    assert "Retry-After" not in plain

    settings.SANDBOX_GOOGLE_CALENDAR_RETRY_AFTER = 17
    stated = api.get("users/me/calendarList")
    _refused(stated, 429, "rateLimitExceeded")
    assert stated["Retry-After"] == "17"

    faults.clear_faults()
    assert api.get("users/me/calendarList").status_code == 200
