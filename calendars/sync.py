"""One calendar sync of a user's connection, as the platform's dispatcher starts it:
push what changed (and, once a day, put back what the user deleted), then, for the
two-way providers, read their busy time."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from calendars import busy, wake
from calendars.adapter import CalendarAdapter
from calendars.errors import CalendarGone
from calendars.models import CalendarTarget, EventLink
from calendars.projection import Scene
from calendars.push import Disconnected, push
from calendars.settings_of import effective_for
from integrations import health, limiter, runs
from integrations.errors import GrantInvalid, ProviderError
from integrations.models import Connection, SyncRun
from integrations.registry import get_integration

RECONCILE_EVERY = timedelta(days=1)
# Channels and subscriptions are renewed this long before they lapse (Graph's last
# under three days, Google's a week).
RENEW_AHEAD = timedelta(days=1)
# Pushes in one run when changes keep arriving while it writes.
MAX_ROUNDS = 3


def adapter_for(connection: Connection, run: SyncRun | None = None) -> CalendarAdapter:
    """The provider's adapter; its calls are audited under `run` when there is one."""
    entry = get_integration(connection.provider)
    path = getattr(entry, "adapter_path", "")
    if not path:
        raise LookupError(f"{connection.provider} has no calendar adapter.")
    adapter: CalendarAdapter = import_string(path)(connection, run)
    return adapter


def scene_of(connection: Connection) -> Scene:
    if connection.owner_id is None:
        raise LookupError(f"Connection {connection.pk} belongs to no user.")
    link = f"{settings.PUBLIC_BASE_URL}{reverse('calendars:schedule')}"
    applied = effective_for(connection.organisation_id, connection.owner_id)
    return Scene(connection.organisation, connection.owner_id, connection.pk, applied, link)


def _reconcile_due(target: CalendarTarget) -> bool:
    return target.reconciled_at is None or target.reconciled_at + RECONCILE_EVERY <= timezone.now()


def _ensure_calendar(
    adapter: CalendarAdapter, target: CalendarTarget, connection: Connection
) -> bool:
    """The user chose a calendar of Patchbay's own: make it on the first sync, named for
    the organisation (someone crewing for two businesses gets one calendar each). True
    when this call made it."""
    if target.remote_id:
        return False
    made = adapter.create_calendar(f"Patchbay - {connection.organisation.name}")
    target.remote_id, target.name = made.remote_id, made.name
    target.save(update_fields=["remote_id", "name"])
    return True


def run_sync(connection: Connection, trigger: str, run: SyncRun | None = None) -> SyncRun:
    wake.started(connection.pk)
    run = run or runs.start(connection, trigger)
    try:
        # A sync's calls are made one at a time: they take their places in the
        # provider's limits from leases (one Redis round trip for up to a second's calls
        # rather than one or two per call; integrations.limiter), given back at its end.
        with limiter.serial_calls():
            return _sync(connection, run)
    finally:
        # A change saved after the last round's look found this run holding the
        # connection: it gets a sync of its own rather than waiting for the backstop.
        wake.follow_up(connection.pk)


def _sync(connection: Connection, run: SyncRun) -> SyncRun:
    target = CalendarTarget.objects.filter(connection=connection).first()
    if target is None:
        runs.error(run, "Choose the calendar Patchbay writes to, on your profile page.")
        return runs.finish(run, SyncRun.Status.REFUSED)
    reconcile = _reconcile_due(target)
    try:
        adapter = adapter_for(connection, run)
        # A calendar made just now holds nothing the user could have deleted: listing it
        # to put events back would be a call for nothing.
        fresh = _ensure_calendar(adapter, target, connection)
        _until_settled(adapter, connection, target, run, reconcile and not fresh)
        if adapter.two_way:
            _keep_watching(adapter, connection, run)
    except Disconnected:
        runs.error(run, "Disconnected while this sync ran: it stopped, and wrote nothing after.")
        return runs.finish(run, SyncRun.Status.REFUSED)
    except CalendarGone as gone:
        _calendar_gone(connection, target, run, gone)
        return runs.finish(run, SyncRun.Status.FAILED)
    except GrantInvalid as refused:
        health.mark_error(connection, refused.message)
        runs.error(run, refused.message)
        return runs.finish(run, SyncRun.Status.FAILED)
    except ProviderError as error:
        runs.error(run, error.message)
        return runs.finish(run, SyncRun.Status.FAILED)
    except BaseException:
        runs.finish(run, SyncRun.Status.FAILED)
        raise
    if reconcile:
        CalendarTarget.objects.filter(pk=target.pk).update(reconciled_at=timezone.now())
    return runs.finish(run)


def _calendar_gone(
    connection: Connection, target: CalendarTarget, run: SyncRun, gone: CalendarGone
) -> None:
    """The user deleted the calendar Patchbay writes to. The account still works, so it
    is no reconnect: Patchbay forgets that calendar and its events' links (they went
    with it) and asks the user, on their card and calendar page, where to write now.
    It never picks another calendar by itself."""
    name = target.name
    EventLink.objects.filter(connection=connection).delete()
    target.delete()
    runs.error(
        run,
        f"The calendar {name} is gone ({gone.message}). Choose another calendar on your "
        "calendar page, or let Patchbay make one.",
    )


def _until_settled(
    adapter: CalendarAdapter,
    connection: Connection,
    target: CalendarTarget,
    run: SyncRun,
    reconcile: bool,
) -> None:
    """Read busy time (two-way) and push; again while changes or notifications arrived
    meanwhile (their own wake-up found this run holding the connection and went away).
    Reading first lets a push put back events the user deleted in their calendar."""
    for _ in range(MAX_ROUNDS):
        wake.settle(connection.pk)
        if adapter.two_way:
            _read_busy(adapter, connection, run)
        push(adapter, connection, scene_of(connection), target, run, reconcile)
        reconcile = False
        if not wake.changed_since_settled(connection.pk):
            return


def _read_busy(adapter: CalendarAdapter, connection: Connection, run: SyncRun) -> None:
    runs.progress(run, phase="reading busy time")
    cursor = busy.cursor_of(connection)
    read = adapter.read_busy(cursor, busy.own_event_ids(connection))
    deleted = busy.apply(connection, cursor, read)
    runs.count(run, "busy blocks read", len(read.busy))
    if deleted:
        runs.count(run, "changed or deleted in the calendar", deleted)


def _keep_watching(adapter: CalendarAdapter, connection: Connection, run: SyncRun) -> None:
    cursor = busy.cursor_of(connection)
    expires = cursor.channel_expires_at
    if cursor.channel_id and expires is not None and expires > timezone.now() + RENEW_AHEAD:
        return
    try:
        adapter.renew_watch(cursor)
    except ProviderError as error:
        # Busy time is still read at every scheduled sync; only the early notice is lost.
        runs.error(
            run,
            f"Patchbay could not ask to be told of changes in your calendar ({error.message}); "
            "busy time is read at each scheduled sync instead, and Patchbay tries again then.",
        )
        return
    cursor.save()
