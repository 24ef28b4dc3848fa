"""The calendar card of a user's live connection, on their profile: where Patchbay
writes, how the last sync went, and the way to their calendar page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.timesince import timesince

from calendars.models import CalendarTarget
from integrations.cards import STATE_BADGES, Action, Badge, Card
from integrations.models import Connection, SyncRun
from integrations.registry import Integration


def _detail(connection: Connection, target: CalendarTarget | None) -> str:
    if target is None:
        return f"{connection.remote_name} · choose the calendar Patchbay writes to"
    parts = [f"{connection.remote_name} → {target.name}"]
    if connection.state == Connection.State.DEGRADED and connection.reason:
        parts.append(connection.reason)
    elif connection.last_sync_at:
        parts.append(f"last sync {timesince(connection.last_sync_at)} ago")
    return " · ".join(parts)


def calendar_card(integration: Integration, connection: Connection) -> Card:
    target = CalendarTarget.objects.filter(connection=connection).first()
    page = reverse("calendars:account", kwargs={"pk": connection.pk})
    label = "Choose calendar" if target is None else "Manage"
    running = SyncRun.objects.filter(connection=connection, status=SyncRun.Status.RUNNING).exists()
    badge = Badge.SYNCING if running else STATE_BADGES[connection.state]
    return Card(
        integration, badge, [Action(label, url=page)], _detail(connection, target), connection
    )
