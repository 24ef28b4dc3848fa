"""The Google adapter against the sandbox: deterministic ids, adoption after a lost
answer, etag updates, deletes, busy reads with sync tokens, limits and dead grants."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest

from calendars.errors import CalendarGone, EventGone
from calendars.models import ReadCursor
from calendars.providers.google import shapes
from integrations.errors import GrantInvalid, ProviderUnavailable
from integrations.models import AuditEntry
from sandbox.core.faults import Plan
from sandbox.google_calendar import faults, store, tokens
from sandbox.google_calendar.models import GoogleApiCall, GoogleEvent
from tests.calendars.providers.google.conftest import Crew, cursor_for, draft, link_for

KEY = "pb" + "0123456789abcdef0123456789abcd"


def _busy(crew: Crew, day: int = 13, **extra: Any) -> GoogleEvent:
    body = {
        "summary": "Dentist",
        "start": {"dateTime": f"2030-06-{day}T10:00:00+00:00"},
        "end": {"dateTime": f"2030-06-{day}T11:00:00+00:00"},
        **extra,
    }
    return store.insert(crew.primary, "", body)


def test_a_create_uses_the_key_as_the_event_id_and_tags_it_privately(crew: Crew) -> None:
    written = crew.adapter.put(crew.primary.calendar_id, draft(KEY), link_for(crew, KEY))
    stored = GoogleEvent.objects.get(event_id=KEY)
    assert written.remote_id == KEY and written.version == stored.etag
    assert stored.body["extendedProperties"]["private"] == {"patchbay": "1", "pb_ref": KEY}
    assert stored.body["start"]["timeZone"] == "Europe/London"
    assert "Patchbay" in stored.body["description"]
    assert AuditEntry.objects.filter(connection=crew.connection, method="POST").count() == 1


def test_a_create_retried_after_a_lost_answer_adopts_the_event(crew: Crew) -> None:
    faults.commit_then_fail()
    with pytest.raises(ProviderUnavailable):
        crew.adapter.put(crew.primary.calendar_id, draft(KEY), link_for(crew, KEY))
    faults.clear_faults()
    link = crew.connection.events_out.get()  # the same link and key: the engine's retry
    written = crew.adapter.put(crew.primary.calendar_id, draft(KEY, title="Retried"), link)
    assert GoogleEvent.objects.filter(calendar=crew.primary).count() == 1
    assert written.remote_id == KEY
    assert GoogleEvent.objects.get(event_id=KEY).body["summary"] == "Retried"


def test_an_update_carries_the_etag_and_overwrites_an_edit_made_in_google(crew: Crew) -> None:
    link = link_for(crew, KEY)
    first = crew.adapter.put(crew.primary.calendar_id, draft(KEY), link)
    link.remote_id, link.version = first.remote_id, first.version
    store.patch(GoogleEvent.objects.get(event_id=KEY), {"summary": "Moved by the crew member"})
    second = crew.adapter.put(crew.primary.calendar_id, draft(KEY, title="Patchbay's"), link)
    event = GoogleEvent.objects.get(event_id=KEY)
    assert event.body["summary"] == "Patchbay's" and second.version == event.etag
    statuses = list(GoogleApiCall.objects.filter(method="PATCH").values_list("status", flat=True))
    assert statuses == [412, 200]


def test_an_update_without_a_stored_etag_is_unconditional(crew: Crew) -> None:
    link = link_for(crew, KEY)
    link.remote_id = crew.adapter.put(crew.primary.calendar_id, draft(KEY), link).remote_id
    written = crew.adapter.put(crew.primary.calendar_id, draft(KEY, hour=10), link)
    assert written.version == GoogleEvent.objects.get(event_id=KEY).etag


def test_an_update_of_an_event_deleted_in_google_is_event_gone(crew: Crew) -> None:
    link = link_for(crew, KEY)
    written = crew.adapter.put(crew.primary.calendar_id, draft(KEY), link)
    link.remote_id, link.version = written.remote_id, written.version
    store.delete(GoogleEvent.objects.get(event_id=KEY))
    with pytest.raises(EventGone):
        crew.adapter.put(crew.primary.calendar_id, draft(KEY, hour=11), link)


def test_a_deleted_calendar_is_calendar_gone(crew: Crew) -> None:
    made = crew.adapter.create_calendar("Patchbay - Alpha Hire")
    link = link_for(crew, KEY)
    written = crew.adapter.put(made.remote_id, draft(KEY), link)
    link.remote_id, link.version = written.remote_id, written.version
    store.delete_calendar(crew.primary.user.calendars.get(calendar_id=made.remote_id))
    with pytest.raises(CalendarGone):
        crew.adapter.put(made.remote_id, draft(KEY, hour=12), link)
    with pytest.raises(CalendarGone):
        crew.adapter.existing(made.remote_id)


def test_delete_counts_an_event_already_gone_as_removed(crew: Crew) -> None:
    link = link_for(crew, KEY)
    written = crew.adapter.put(crew.primary.calendar_id, draft(KEY), link)
    link.remote_id, link.version = written.remote_id, written.version
    crew.adapter.delete(crew.primary.calendar_id, link)
    crew.adapter.delete(crew.primary.calendar_id, link)  # 410 deleted: fine
    assert GoogleEvent.objects.get(event_id=KEY).status == "cancelled"
    assert crew.adapter.existing(crew.primary.calendar_id) == {}


def test_existing_lists_only_patchbays_events(crew: Crew) -> None:
    written = crew.adapter.put(crew.primary.calendar_id, draft(KEY), link_for(crew, KEY))
    _busy(crew)
    assert crew.adapter.existing(crew.primary.calendar_id) == {KEY: written.version}


def test_busy_read_keeps_times_only_and_leaves_out_own_and_free_events(crew: Crew) -> None:
    crew.adapter.put(crew.primary.calendar_id, draft(KEY), link_for(crew, KEY))
    dentist = _busy(crew)
    _busy(crew, day=14, transparency="transparent")
    _busy(crew, day=15, status="tentative")
    cursor = cursor_for(crew)
    read = crew.adapter.read_busy(cursor, {KEY: ""})
    assert read.full and read.cursor
    assert [(b.starts_at, b.tentative) for b in read.busy] == [
        (dt.datetime(2030, 6, 13, 10, tzinfo=dt.UTC), False),
        (dt.datetime(2030, 6, 15, 10, tzinfo=dt.UTC), True),
    ]
    assert read.busy[0].remote_key == shapes.remote_key("primary", dentist.event_id)
    assert dentist.event_id not in read.busy[0].remote_key


def test_an_incremental_read_returns_changes_and_deletions(crew: Crew) -> None:
    link = link_for(crew, KEY)
    written = crew.adapter.put(crew.primary.calendar_id, draft(KEY), link)
    dentist = _busy(crew)
    cursor = cursor_for(crew)
    cursor.cursor = crew.adapter.read_busy(cursor, {KEY: ""}).cursor
    store.delete(dentist)
    store.delete(GoogleEvent.objects.get(event_id=written.remote_id))
    lunch = _busy(crew, day=20)
    read = crew.adapter.read_busy(cursor, {KEY: ""})
    assert not read.full
    assert read.gone == [shapes.remote_key("primary", dentist.event_id)]
    assert read.deleted_events == [KEY]
    assert [b.remote_key for b in read.busy] == [shapes.remote_key("primary", lunch.event_id)]


def test_an_expired_sync_token_reads_everything_again_without_duplicates(crew: Crew) -> None:
    _busy(crew)
    cursor = cursor_for(crew)
    cursor.cursor = crew.adapter.read_busy(cursor, {}).cursor
    store.expire_sync_tokens(crew.primary)
    read = crew.adapter.read_busy(cursor, {})
    assert read.full and len(read.busy) == 1
    assert GoogleApiCall.objects.filter(status=410).count() == 1


def test_a_429_with_retry_after_is_waited_out(crew: Crew, settings: Any) -> None:
    settings.SANDBOX_GOOGLE_CALENDAR_RETRY_AFTER = 1
    answers = [faults.throttled()]
    seen: list[int] = []

    def once(target: str, method: str) -> Any:
        seen.append(1)
        if answers:
            return Plan(instead=answers.pop())
        return faults.switch.plan(target, method)

    with mock.patch.object(faults, "plan", once):
        calendars = crew.adapter.calendars()
    assert [c.remote_id for c in calendars if c.primary] == [crew.primary.calendar_id]
    assert len(seen) == 2  # throttled, then served after the stated second


def test_a_429_without_retry_after_backs_off_and_is_retried(crew: Crew) -> None:
    answers = [faults.throttled()]

    def once(target: str, method: str) -> Any:
        if answers:
            return Plan(instead=answers.pop())
        return faults.switch.plan(target, method)

    with mock.patch.object(faults, "plan", once):
        assert crew.adapter.calendars()
    assert not answers


def test_a_403_user_rate_limit_is_a_limit_not_a_refusal(crew: Crew, settings: Any) -> None:
    settings.SANDBOX_GOOGLE_CALENDAR_USER_MINUTE_LIMIT = 1
    crew.adapter.calendars()
    retries = mock.patch("integrations.audit.RATE_LIMIT_RETRIES", 1)
    with retries, pytest.raises(ProviderUnavailable):
        crew.adapter.calendars()
    crew.connection.refresh_from_db()
    assert crew.connection.state != "error"
    assert GoogleApiCall.objects.filter(status=403).count() == 1


def test_a_revoked_grant_is_grant_invalid(crew: Crew) -> None:
    tokens.revoke_grant(crew.grant)
    with pytest.raises(GrantInvalid):
        crew.adapter.calendars()


def test_a_patchbay_event_changed_in_the_calendar_is_reported_to_be_put_back(crew: Crew) -> None:
    link = link_for(crew, KEY)
    written = crew.adapter.put(crew.primary.calendar_id, draft(KEY), link)
    assert crew.adapter.read_busy(cursor_for(crew), {KEY: written.version}).edited_events == []
    link.remote_id, link.version = written.remote_id, written.version
    # Someone changes it in Google Calendar (any client: the version moves on).
    crew.adapter.put(crew.primary.calendar_id, draft(KEY, title="Moved by me"), link)

    read = crew.adapter.read_busy(ReadCursor.objects.get(), {KEY: written.version})

    assert read.edited_events == [KEY] and read.busy == []
