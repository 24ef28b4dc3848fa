"""One calendar sync of a user's connection, as the platform's dispatcher starts it:
push what changed (and, once a day, put back what the user deleted), then, for the
two-way providers, read their busy time."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from calendars.adapter import CalendarAdapter
from calendars.errors import CalendarGone
from calendars.models import CalendarTarget
from calendars.projection import Scene
from calendars.push import push
from calendars.settings_of import effective_for
from integrations import health, runs
from integrations.errors import GrantInvalid, ProviderError
from integrations.models import Connection, SyncRun
from integrations.registry import get_integration

RECONCILE_EVERY = timedelta(days=1)


def adapter_for(connection: Connection) -> CalendarAdapter:
    entry = get_integration(connection.provider)
    path = getattr(entry, "adapter_path", "")
    if not path:
        raise LookupError(f"{connection.provider} has no calendar adapter.")
    adapter: CalendarAdapter = import_string(path)(connection)
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
) -> None:
    """The user chose a calendar of Patchbay's own: make it on the first sync, named for
    the organisation (someone crewing for two businesses gets one calendar each)."""
    if target.remote_id:
        return
    made = adapter.create_calendar(f"Patchbay - {connection.organisation.name}")
    target.remote_id, target.name = made.remote_id, made.name
    target.save(update_fields=["remote_id", "name"])


def run_sync(connection: Connection, trigger: str, run: SyncRun | None = None) -> SyncRun:
    run = run or runs.start(connection, trigger)
    target = CalendarTarget.objects.filter(connection=connection).first()
    if target is None:
        runs.error(run, "Choose the calendar Patchbay writes to, on your profile page.")
        return runs.finish(run, SyncRun.Status.REFUSED)
    reconcile = _reconcile_due(target)
    try:
        adapter = adapter_for(connection)
        _ensure_calendar(adapter, target, connection)
        push(adapter, scene_of(connection), target, run, reconcile)
    except CalendarGone as gone:
        health.mark_error(
            connection, f"{gone.message} Choose another calendar, or let Patchbay make one."
        )
        runs.error(run, gone.message)
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
