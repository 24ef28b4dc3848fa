"""The Outlook adapter against the Graph sandbox: push, idempotent creates, versions,
deletions, and the failures every provider call can meet."""

from __future__ import annotations

import datetime as dt

import pytest

from calendars.errors import CalendarGone, EventGone
from calendars.models import EventLink
from calendars.providers.outlook import events
from calendars.providers.outlook.adapter import OutlookAdapter
from integrations.errors import GrantInvalid, Outage, ProviderUnavailable
from integrations.models import Connection
from sandbox.microsoft_graph import faults, identity
from sandbox.microsoft_graph.console import move_event
from sandbox.microsoft_graph.models import GraphApiCall, GraphCalendar, GraphEvent, GraphUser
from tests.calendars.providers.outlook.conftest import draft


def link_for(connection: Connection, key: str, **fields: object) -> EventLink:
    return EventLink.objects.create(
        organisation=connection.organisation,
        connection=connection,
        source="assignment",
        source_id=1,
        key=key,
        **fields,
    )


def live_events(mailbox: GraphUser) -> list[GraphEvent]:
    return list(GraphEvent.objects.filter(calendar__user=mailbox, deleted_at__isnull=True))


@pytest.fixture
def calendar_id(adapter: OutlookAdapter) -> str:
    return adapter.create_calendar("Patchbay - Alpha").remote_id


def test_calendars_lists_the_default_and_a_made_calendar(adapter: OutlookAdapter) -> None:
    made = adapter.create_calendar("Patchbay - Alpha")
    listed = {c.name: c for c in adapter.calendars()}
    assert listed["Calendar"].primary and listed["Patchbay - Alpha"].remote_id == made.remote_id


def test_create_writes_the_key_as_transaction_id_and_extended_property(
    adapter: OutlookAdapter, connection: Connection, calendar_id: str, mailbox: GraphUser
) -> None:
    key = "pb" + "a" * 30
    written = adapter.put(calendar_id, draft(key), link_for(connection, key))
    [stored] = live_events(mailbox)
    assert stored.graph_id == written.remote_id and stored.change_key == written.version
    assert stored.transaction_id == key and stored.extended == {events.PROPERTY_ID: key}
    assert stored.fields["start"] == {
        "dateTime": "2026-06-12T08:00:00",
        "timeZone": "W. Europe Standard Time",
    }
    assert "Patchbay" in stored.fields["body"]["content"]


def test_a_create_retried_with_the_same_key_makes_no_second_event(
    adapter: OutlookAdapter, connection: Connection, calendar_id: str, mailbox: GraphUser
) -> None:
    key = "pb" + "b" * 30
    first = adapter.put(calendar_id, draft(key), link_for(connection, key))
    again = adapter.put(calendar_id, draft(key), EventLink(key=key))
    assert again.remote_id == first.remote_id and len(live_events(mailbox)) == 1


def test_a_create_whose_answer_was_lost_adopts_the_event_it_made(
    adapter: OutlookAdapter, connection: Connection, calendar_id: str, mailbox: GraphUser
) -> None:
    key = "pb" + "c" * 30
    faults.commit_then_fail()  # the POST is carried out, then answered 500
    original_send = adapter.graph.send
    calls: list[str] = []

    def once_then_clear(method: str, target: str, **kwargs: object) -> object:
        calls.append(method)
        try:
            return original_send(method, target, **kwargs)  # type: ignore[arg-type]
        finally:
            faults.clear_faults()

    adapter.graph.send = once_then_clear  # type: ignore[method-assign,assignment]
    written = adapter.put(calendar_id, draft(key), link_for(connection, key))
    [stored] = live_events(mailbox)
    assert written.remote_id == stored.graph_id
    assert calls == ["POST", "GET"]  # lost answer, then found by the extended property


def test_a_create_tried_again_after_an_unanswered_failure_looks_for_its_event_first(
    adapter: OutlookAdapter, connection: Connection, calendar_id: str, mailbox: GraphUser
) -> None:
    key = "pb" + "e" * 30
    original_send = adapter.graph.send
    calls: list[str] = []

    def down_after_the_post(method: str, target: str, **kwargs: object) -> object:
        calls.append(method)
        if method != "POST":
            raise Outage("could not reach the provider (ConnectionError)")
        return original_send(method, target, **kwargs)  # type: ignore[arg-type]

    faults.commit_then_fail()  # the POST is carried out, then answered 500
    adapter.graph.send = down_after_the_post  # type: ignore[method-assign,assignment]
    with pytest.raises(Outage):
        adapter.put(calendar_id, draft(key), link_for(connection, key))
    assert calls == ["POST", "GET"]  # its own look-up failed too: it may exist
    faults.clear_faults()
    calls.clear()

    def counted(method: str, target: str, **kwargs: object) -> object:
        calls.append(method)
        return original_send(method, target, **kwargs)  # type: ignore[arg-type]

    adapter.graph.send = counted  # type: ignore[method-assign,assignment]
    written = adapter.put(calendar_id, draft(key), EventLink(key=key))  # the push's retry
    [stored] = live_events(mailbox)
    assert written.remote_id == stored.graph_id
    assert calls == ["GET"]  # found by its key: no second POST


def test_update_carries_the_change_key_and_overwrites_a_user_edit(
    adapter: OutlookAdapter, connection: Connection, calendar_id: str, mailbox: GraphUser
) -> None:
    key = "pb" + "d" * 30
    link = link_for(connection, key)
    written = adapter.put(calendar_id, draft(key), link)
    link.remote_id, link.version = written.remote_id, written.version
    move_event(GraphEvent.objects.get(graph_id=written.remote_id))  # the user moves it
    updated = adapter.put(calendar_id, draft(key, title="Load-out"), link)
    [stored] = live_events(mailbox)
    assert stored.fields["subject"] == "Load-out" and stored.fields["start"]["dateTime"].startswith(
        "2026-06-12T08:00"
    )
    assert updated.version == stored.change_key != written.version
    refused = GraphApiCall.objects.filter(method="PATCH", status=412).count()
    assert refused == 1  # the stale changeKey was refused once, then read afresh


def test_update_of_an_event_deleted_in_outlook_is_event_gone(
    adapter: OutlookAdapter, connection: Connection, calendar_id: str
) -> None:
    key = "pb" + "e" * 30
    link = link_for(connection, key)
    written = adapter.put(calendar_id, draft(key), link)
    link.remote_id, link.version = written.remote_id, written.version
    adapter.delete(calendar_id, link)
    with pytest.raises(EventGone):
        adapter.put(calendar_id, draft(key), link)


def test_update_without_a_stored_version_sends_no_if_match_and_succeeds(
    adapter: OutlookAdapter, connection: Connection, calendar_id: str
) -> None:
    key = "pb" + "f" * 30
    link = link_for(connection, key)
    link.remote_id = adapter.put(calendar_id, draft(key), link).remote_id
    written = adapter.put(calendar_id, draft(key, title="No etag"), link)
    assert written.version and GraphApiCall.objects.filter(method="PATCH", status=200).count() == 1


def test_delete_of_an_event_already_gone_counts_as_removed(
    adapter: OutlookAdapter, connection: Connection, calendar_id: str, mailbox: GraphUser
) -> None:
    key = "pb" + "1" * 30
    link = link_for(connection, key)
    link.remote_id = adapter.put(calendar_id, draft(key), link).remote_id
    adapter.delete(calendar_id, link)
    adapter.delete(calendar_id, link)
    assert live_events(mailbox) == []


def test_existing_lists_only_patchbay_events(
    adapter: OutlookAdapter, connection: Connection, calendar_id: str, mailbox: GraphUser
) -> None:
    key = "pb" + "2" * 30
    written = adapter.put(calendar_id, draft(key), link_for(connection, key))
    from sandbox.microsoft_graph import store

    store.create_event(
        GraphCalendar.objects.get(graph_id=calendar_id),
        {
            "subject": "Dentist",
            "start": {"dateTime": "2026-06-13T09:00:00", "timeZone": "UTC"},
            "end": {"dateTime": "2026-06-13T10:00:00", "timeZone": "UTC"},
        },
    )
    assert adapter.existing(calendar_id) == {written.remote_id: written.version}


def test_a_deleted_calendar_is_calendar_gone(
    adapter: OutlookAdapter, connection: Connection, calendar_id: str
) -> None:
    GraphCalendar.objects.filter(graph_id=calendar_id).delete()
    with pytest.raises(CalendarGone):
        adapter.put(calendar_id, draft(), link_for(connection, draft().uid))


def test_removed_consent_is_grant_invalid(
    adapter: OutlookAdapter, mailbox: GraphUser, settings: object
) -> None:
    identity.remove_consent(mailbox, settings.OUTLOOK_CLIENT_ID)  # type: ignore[attr-defined]
    with pytest.raises(GrantInvalid):
        adapter.calendars()


def test_throttling_with_retry_after_is_waited_out_then_provider_unavailable(
    adapter: OutlookAdapter, settings: object
) -> None:
    faults.throttle_api()
    with pytest.raises(ProviderUnavailable):
        adapter.calendars()
    throttled = GraphApiCall.objects.filter(status=429).count()
    assert throttled == 0  # a fault answers before the call is recorded
    assert faults.active_fault("api") is not None


def test_throttling_without_retry_after_backs_off_by_the_provider_policy(
    adapter: OutlookAdapter, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from calendars.providers.outlook.provider import OutlookProvider
    from integrations.retry import Backoff

    settings.SANDBOX_GRAPH_RETRY_AFTER = ""  # type: ignore[attr-defined]
    monkeypatch.setattr(
        OutlookProvider, "rate_limit_backoff", Backoff.exponential(0.01, cap_s=0.05)
    )
    waits: list[float] = []
    monkeypatch.setattr(
        adapter.graph.recorder.limiter, "block", lambda seconds: waits.append(seconds)
    )
    faults.throttle_api()
    with pytest.raises(ProviderUnavailable):
        adapter.calendars()
    assert len(waits) == 5 and all(w <= 0.05 for w in waits)


def test_throttling_honours_a_fractional_retry_after(
    adapter: OutlookAdapter, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SANDBOX_GRAPH_RETRY_AFTER = "0.128"  # type: ignore[attr-defined]
    waits: list[float] = []
    monkeypatch.setattr(
        adapter.graph.recorder.limiter, "block", lambda seconds: waits.append(seconds)
    )
    faults.throttle_api()
    with pytest.raises(ProviderUnavailable):
        adapter.calendars()
    assert waits == [0.128] * 5


def test_all_day_events_run_midnight_to_midnight_in_one_zone(
    adapter: OutlookAdapter, connection: Connection, calendar_id: str, mailbox: GraphUser
) -> None:
    key = "pb" + "3" * 30
    day = draft(key, start=dt.date(2026, 6, 12), end=dt.date(2026, 6, 15))
    adapter.put(calendar_id, day, link_for(connection, key))
    [stored] = live_events(mailbox)
    assert stored.fields["isAllDay"] is True
    assert stored.fields["start"]["dateTime"] == "2026-06-12T00:00:00"
    assert stored.fields["end"]["dateTime"] == "2026-06-15T00:00:00"
