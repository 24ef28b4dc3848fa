"""Busy time read back through calendarView/delta, and the notification receiver with
the sandbox's subscriptions really calling it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from calendars import wake
from calendars.models import CalendarTarget, EventLink, ReadCursor
from calendars.providers.outlook.adapter import OutlookAdapter
from calendars.providers.outlook.busy import remote_key
from integrations.models import Connection, SyncRun
from integrations.syncs import sync_connection
from sandbox.microsoft_graph import notify
from sandbox.microsoft_graph.console import add_block, expire_delta
from sandbox.microsoft_graph.models import (
    GraphCalendar,
    GraphDelivery,
    GraphSubscription,
    GraphUser,
)
from sandbox.microsoft_graph.store import cancel_occurrence, delete_event
from tests.calendars.providers.outlook.conftest import START, draft

NOTIFY = "/settings/integrations/outlook/notifications/"
LIFECYCLE = "/settings/integrations/outlook/lifecycle/"


def test_busy_read_keeps_busy_and_tentative_times_only(
    adapter: OutlookAdapter, cursor: ReadCursor, mailbox: GraphUser
) -> None:
    busy = add_block(mailbox, START, START + dt.timedelta(hours=2))
    add_block(mailbox, START, START + dt.timedelta(hours=1), show_as="free")
    maybe = add_block(
        mailbox,
        START + dt.timedelta(days=1),
        START + dt.timedelta(days=1, hours=1),
        show_as="tentative",
    )
    read = adapter.read_busy(cursor, {})
    by_key = {b.remote_key: b for b in read.busy}
    assert set(by_key) == {remote_key(busy.graph_id), remote_key(maybe.graph_id)}
    assert by_key[remote_key(busy.graph_id)].starts_at == START
    assert by_key[remote_key(maybe.graph_id)].tentative and not read.full
    assert busy.graph_id not in {b.remote_key for b in read.busy}  # a digest, never the id


def test_busy_read_leaves_out_patchbay_events(
    adapter: OutlookAdapter, connection: Connection, cursor: ReadCursor, mailbox: GraphUser
) -> None:
    calendar_id = next(c.remote_id for c in adapter.calendars() if c.primary)
    key = "pb" + "9" * 30
    own = adapter.put(calendar_id, draft(key), EventLink(key=key))
    assert adapter.read_busy(cursor, {own.remote_id: ""}).busy == []
    # Even without the id map, the transactionId shows it is Patchbay's.
    cursor.cursor = ""
    assert adapter.read_busy(cursor, {}).busy == []


def test_incremental_read_reports_changes_and_deletions(
    adapter: OutlookAdapter, cursor: ReadCursor, mailbox: GraphUser
) -> None:
    first = add_block(mailbox, START, START + dt.timedelta(hours=2))
    cursor.cursor = adapter.read_busy(cursor, {}).cursor
    second = add_block(mailbox, START + dt.timedelta(hours=3), START + dt.timedelta(hours=4))
    delete_event(first)
    read = adapter.read_busy(cursor, {})
    assert [b.remote_key for b in read.busy] == [remote_key(second.graph_id)]
    assert read.gone == [remote_key(first.graph_id)]


def test_a_recurring_series_is_read_per_occurrence_and_one_cancelled_day_goes(
    adapter: OutlookAdapter, cursor: ReadCursor, mailbox: GraphUser
) -> None:
    series = add_block(mailbox, START, START + dt.timedelta(hours=1), days=3)
    read = adapter.read_busy(cursor, {})
    assert len(read.busy) == 3
    cursor.cursor = read.cursor
    cancel_occurrence(series, 1)
    again = adapter.read_busy(cursor, {})
    assert again.gone == [remote_key(f"{series.graph_id}_0001")] and len(again.busy) == 2


def test_an_expired_delta_token_reads_everything_again_without_duplicates(
    adapter: OutlookAdapter, cursor: ReadCursor, mailbox: GraphUser
) -> None:
    block = add_block(mailbox, START, START + dt.timedelta(hours=2))
    cursor.cursor = adapter.read_busy(cursor, {}).cursor
    expire_delta(mailbox)
    read = adapter.read_busy(cursor, {})
    assert read.full and [b.remote_key for b in read.busy] == [remote_key(block.graph_id)]
    assert read.cursor and read.cursor != cursor.cursor


def test_own_event_deleted_by_the_user_is_reported_as_deleted(
    adapter: OutlookAdapter, cursor: ReadCursor
) -> None:
    calendar_id = next(c.remote_id for c in adapter.calendars() if c.primary)
    key = "pb" + "8" * 30
    link = EventLink(key=key)
    link.remote_id = adapter.put(calendar_id, draft(key), link).remote_id
    cursor.cursor = adapter.read_busy(cursor, {link.remote_id: ""}).cursor
    adapter.delete(calendar_id, link)
    read = adapter.read_busy(cursor, {link.remote_id: ""})
    assert read.deleted_events == [link.remote_id] and read.gone == [] and read.busy == []


def test_subscribing_passes_the_handshake_and_changes_are_delivered(
    adapter: OutlookAdapter, cursor: ReadCursor, mailbox: GraphUser, queued: list[Any]
) -> None:
    adapter.renew_watch(cursor)
    cursor.save()
    assert cursor.channel_id and cursor.channel_secret and cursor.channel_expires_at
    validations = GraphDelivery.objects.filter(kind="validation")
    assert [d.status for d in validations] == [200, 200]  # notification and lifecycle URLs
    add_block(mailbox, START, START + dt.timedelta(hours=1))
    [delivery] = GraphDelivery.objects.filter(kind="change")
    assert delivery.status == 202 and queued == [(cursor.connection_id, "webhook")]


def test_a_change_notified_before_the_subscription_is_saved_still_schedules_a_read(
    adapter: OutlookAdapter, cursor: ReadCursor, mailbox: GraphUser, queued: list[Any]
) -> None:
    adapter.renew_watch(cursor)  # made at Graph; the sync has not saved it yet
    assert not ReadCursor.objects.filter(channel_id=cursor.channel_id).exists()
    add_block(mailbox, START, START + dt.timedelta(hours=1))
    [delivery] = GraphDelivery.objects.filter(kind="change")
    assert delivery.status == 202 and queued == [(cursor.connection_id, "webhook")]
    forged = {"subscriptionId": cursor.channel_id, "clientState": "not-the-state"}
    refused = Client().post(NOTIFY, {"value": [forged]}, content_type="application/json")
    assert refused.status_code == 403


def test_renewal_extends_the_subscription_and_stop_removes_it(
    adapter: OutlookAdapter, cursor: ReadCursor
) -> None:
    adapter.renew_watch(cursor)
    first = cursor.channel_id
    adapter.renew_watch(cursor)
    assert cursor.channel_id == first
    adapter.stop_watch(cursor)
    assert cursor.channel_id == "" and not GraphSubscription.objects.exists()
    adapter.stop_watch(cursor)  # already gone is fine


def test_a_subscription_whose_handshake_fails_is_not_made(
    adapter: OutlookAdapter, cursor: ReadCursor, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:9"  # nobody answers there
    try:
        adapter.renew_watch(cursor)
    except Exception as error:
        assert "subscribe" in str(error)
    assert not GraphSubscription.objects.exists() and cursor.channel_id == ""


def _note(cursor: ReadCursor, state: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "subscriptionId": cursor.channel_id,
        "clientState": cursor.channel_secret if state is None else state,
        "changeType": "updated",
        **extra,
    }


def _watched(cursor: ReadCursor) -> ReadCursor:
    cursor.channel_id, cursor.channel_secret = "sub-1", "s3cret-state"
    cursor.save()
    return cursor


def test_validation_token_is_echoed_as_plain_text(connection: Connection) -> None:
    answer = Client().post(
        f"{NOTIFY}?validationToken=Validation%3A%20hello", data=b"", content_type="text/plain"
    )
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/plain")
    assert answer.content == b"Validation: hello"


def test_verified_notification_schedules_one_read(cursor: ReadCursor, queued: list[Any]) -> None:
    watched = _watched(cursor)
    answer = Client().post(NOTIFY, {"value": [_note(watched)]}, content_type="application/json")
    assert answer.status_code == 202 and queued == [(watched.connection_id, "webhook")]


def test_a_flood_of_a_thousand_notifications_schedules_one_read(
    cursor: ReadCursor, queued: list[Any]
) -> None:
    watched = _watched(cursor)
    client = Client()
    # Graph batches: 1,000 notifications arrive as 20 POSTs of 50 within the second.
    for _ in range(20):
        answer = client.post(
            NOTIFY, {"value": [_note(watched)] * 50}, content_type="application/json"
        )
        assert answer.status_code == 202
    assert queued == [(watched.connection_id, "webhook")]


def test_unknown_subscription_or_wrong_client_state_is_refused(
    cursor: ReadCursor, queued: list[Any]
) -> None:
    watched = _watched(cursor)
    client = Client()
    wrong = client.post(
        NOTIFY, {"value": [_note(watched, "nope")]}, content_type="application/json"
    )
    unknown = client.post(
        NOTIFY,
        {"value": [{"subscriptionId": "other", "clientState": "s3cret-state"}]},
        content_type="application/json",
    )
    garbage = client.post(NOTIFY, data=b"not json", content_type="application/json")
    assert (wrong.status_code, unknown.status_code, garbage.status_code) == (403, 403, 400)
    assert queued == []


def test_lifecycle_events_renew_or_forget_the_subscription_and_read(
    cursor: ReadCursor, queued: list[Any]
) -> None:
    watched = _watched(cursor)
    client = Client()
    note = _note(watched, lifecycleEvent="reauthorizationRequired")
    assert (
        client.post(LIFECYCLE, {"value": [note]}, content_type="application/json").status_code
        == 202
    )
    watched.refresh_from_db()
    assert watched.channel_expires_at is not None
    removed = _note(watched, lifecycleEvent="subscriptionRemoved")
    client.post(LIFECYCLE, {"value": [removed]}, content_type="application/json")
    watched.refresh_from_db()
    assert watched.channel_id == "" and queued == [(watched.connection_id, "webhook")]


def test_revoking_sessions_sends_subscription_removed_to_patchbay(
    adapter: OutlookAdapter, cursor: ReadCursor, mailbox: GraphUser, queued: list[Any]
) -> None:
    adapter.renew_watch(cursor)
    cursor.save()
    from sandbox.microsoft_graph.identity import revoke_sessions

    revoke_sessions(mailbox)
    cursor.refresh_from_db()
    assert cursor.channel_id == "" and not GraphSubscription.objects.exists()
    assert [d.status for d in GraphDelivery.objects.filter(kind="lifecycle")] == [202]
    assert notify  # the sender module delivered it over HTTP


def test_a_patchbay_event_changed_in_outlook_is_reported_to_be_put_back(
    adapter: OutlookAdapter, cursor: ReadCursor
) -> None:
    calendar_id = next(c.remote_id for c in adapter.calendars() if c.primary)
    key = "pb" + "8" * 30
    link = EventLink(key=key)
    written = adapter.put(calendar_id, draft(key), link)
    assert adapter.read_busy(cursor, {written.remote_id: written.version}).edited_events == []
    link.remote_id, link.version = written.remote_id, written.version
    adapter.put(calendar_id, draft(key, title="Moved by me"), link)  # a change in Outlook
    cursor.cursor = ""

    read = adapter.read_busy(cursor, {written.remote_id: written.version})

    assert read.edited_events == [written.remote_id] and read.busy == []


def test_a_notification_after_a_runs_last_look_still_gets_a_sync_soon(
    connection: Connection,
    mailbox: GraphUser,
    queued: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Outlook tells of a change while a run is finishing (here: as it subscribes). The
    change's own sync starts while that run still holds the connection and steps aside;
    the run, once it lets go, queues one more rather than leave it to the backstop."""
    default = GraphCalendar.objects.get(user=mailbox, is_default=True)
    CalendarTarget.objects.create(
        organisation=connection.organisation,
        connection=connection,
        remote_id=default.graph_id,
        name=default.name,
    )
    wake.soon(connection.pk)  # the burst's sync, queued
    subscribe = OutlookAdapter.renew_watch

    def notified_meanwhile(adapter: OutlookAdapter, cursor: ReadCursor) -> None:
        subscribe(adapter, cursor)
        wake.soon(connection.pk)  # past the run's last look at what changed
        assert sync_connection(connection.pk, SyncRun.Trigger.WEBHOOK) is None  # busy

    monkeypatch.setattr(OutlookAdapter, "renew_watch", notified_meanwhile)
    assert sync_connection(connection.pk, SyncRun.Trigger.WEBHOOK) is not None
    # Three queued: the burst's (that run), the notification's (stepped aside), and
    # the one the run queued when it let go.
    assert queued == [(connection.pk, SyncRun.Trigger.WEBHOOK)] * 3
