"""A change to crew work reaches calendars soon: once per burst for real-time users,
within the quarter hour for the others, and both people of a reassigned shift."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from calendars import sync as sync_module
from calendars.choices import Frequency
from calendars.models import CalendarPreference, CalendarTarget
from integrations import schedule
from integrations.models import AppPassword, Connection, SyncRun
from integrations.syncs import sync_connection
from operations.models import CrewAssignment, Project
from tenancy.models import User
from tests.conftest import Tenants
from tests.factories import make_customer, make_project
from tests.integrations.helpers import next_sync_at


def calendar_of(tenants: Tenants, user: User) -> Connection:
    password = AppPassword.objects.create(
        organisation=tenants.alpha,
        provider="icloud",
        owner=user,
        username=user.email,
        password="abcdabcdabcdabcd",
    )
    connection = Connection.objects.create(
        organisation=tenants.alpha,
        owner=user,
        provider="icloud",
        remote_id=user.email,
        remote_name=user.email,
        app_password=password,
    )
    schedule.set_next(connection, timezone.now() + timedelta(hours=1))
    return connection


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(sync_connection, "apply_async", lambda args, countdown: calls.append(args))
    return calls


@pytest.fixture
def project(tenants: Tenants) -> Project:
    return make_project(tenants.alpha, make_customer(tenants.alpha))


def shift(tenants: Tenants, project: Project, user: User) -> CrewAssignment:
    return CrewAssignment.objects.create(
        organisation=tenants.alpha,
        project=project,
        user=user,
        role="Rigger",
        starts_at=project.starts_at,
        ends_at=project.starts_at + timedelta(hours=4),
    )


def test_a_burst_of_changes_makes_one_sync_soon(
    tenants: Tenants,
    project: Project,
    queued: list[tuple[Any, ...]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    connection = calendar_of(tenants, tenants.crew)

    with django_capture_on_commit_callbacks(execute=True):
        assignment = shift(tenants, project, tenants.crew)
        for hours in range(1, 5):
            assignment.ends_at = assignment.starts_at + timedelta(hours=hours)
            assignment.save()

    assert queued == [(connection.pk, "webhook")]
    connection.refresh_from_db()
    next_at = next_sync_at(connection)
    assert next_at is not None
    assert next_at <= timezone.now() + timedelta(minutes=2)


def test_a_quarter_hour_user_is_left_to_the_dispatcher(
    tenants: Tenants,
    project: Project,
    queued: list[tuple[Any, ...]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    connection = calendar_of(tenants, tenants.crew)
    CalendarPreference.objects.create(
        organisation=tenants.alpha, user=tenants.crew, frequency=Frequency.QUARTER_HOUR
    )

    with django_capture_on_commit_callbacks(execute=True):
        shift(tenants, project, tenants.crew)

    assert queued == []
    connection.refresh_from_db()
    next_at = next_sync_at(connection)
    assert next_at is not None
    assert next_at <= timezone.now() + timedelta(minutes=15)


def test_a_reassigned_shift_wakes_both_people_and_nothing_before_commit(
    tenants: Tenants,
    project: Project,
    queued: list[tuple[Any, ...]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    crew, other = calendar_of(tenants, tenants.crew), calendar_of(tenants, tenants.bookkeeper)
    assignment = shift(tenants, project, tenants.crew)  # no commit here: nothing queued
    assert queued == []

    with django_capture_on_commit_callbacks(execute=True):
        assignment.user = tenants.bookkeeper
        assignment.save()

    assert sorted(args[0] for args in queued) == sorted([crew.pk, other.pk])


def with_calendar(connection: Connection) -> Connection:
    CalendarTarget.objects.create(
        organisation=connection.organisation,
        connection=connection,
        remote_id="https://p01-caldav.icloud.com/1/calendars/patchbay/",
        name="Patchbay",
    )
    return connection


def test_a_change_right_after_a_sync_started_gets_a_sync_of_its_own(
    tenants: Tenants,
    project: Project,
    queued: list[tuple[Any, ...]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    connection = calendar_of(tenants, tenants.crew)  # no calendar chosen: its runs end at once
    with django_capture_on_commit_callbacks(execute=True):
        assignment = shift(tenants, project, tenants.crew)
    sync_connection(connection.pk, SyncRun.Trigger.WEBHOOK)  # the queued sync, done

    with django_capture_on_commit_callbacks(execute=True):
        assignment.ends_at += timedelta(hours=1)
        assignment.save()

    assert queued == [(connection.pk, "webhook")] * 2


def test_a_change_whose_sync_found_a_run_going_is_followed_up_when_the_run_ends(
    tenants: Tenants,
    project: Project,
    queued: list[tuple[Any, ...]],
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    connection = with_calendar(calendar_of(tenants, tenants.crew))

    def meanwhile(*args: Any) -> None:
        """The run pushed and looked; then a change comes, and its own sync (queued a
        moment later) finds this run still holding the connection and goes away."""
        with django_capture_on_commit_callbacks(execute=True):
            shift(tenants, project, tenants.crew)
        assert sync_connection(connection.pk, SyncRun.Trigger.WEBHOOK) is None

    monkeypatch.setattr(sync_module, "_until_settled", meanwhile)

    run_id = sync_connection(connection.pk, SyncRun.Trigger.MANUAL)

    assert run_id is not None
    assert SyncRun.objects.get(pk=run_id).status == SyncRun.Status.SUCCEEDED
    assert queued == [(connection.pk, "webhook")] * 2  # the change's own, then the follow-up


def test_a_flood_of_notifications_enqueues_one_read_until_it_starts(
    tenants: Tenants, queued: list[tuple[Any, ...]]
) -> None:
    from calendars import wake

    connection = calendar_of(tenants, tenants.crew)

    for _ in range(1000):
        wake.soon(connection.pk)
    assert len(queued) == 1
    wake.started(connection.pk)  # the read begins: what comes next needs another
    wake.soon(connection.pk)

    assert len(queued) == 2


def test_a_change_that_arrives_after_the_runs_last_look_gets_its_own_sync(
    tenants: Tenants, queued: list[tuple[Any, ...]]
) -> None:
    from calendars import wake

    connection = calendar_of(tenants, tenants.crew)
    wake.started(connection.pk)
    wake.settle(connection.pk)  # the run looks at what to write
    wake.follow_up(connection.pk)  # nothing new: no follow-up
    assert queued == []

    wake.soon(connection.pk)  # arrives while the run holds the connection
    wake.started(connection.pk)  # ...whose own task found it busy and left
    wake.follow_up(connection.pk)

    assert len(queued) == 2
