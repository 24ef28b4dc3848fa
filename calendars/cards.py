"""The calendar card of a user's live connection, on their profile: where Patchbay
writes, how the last sync went, and the way to their calendar page."""

from __future__ import annotations

from collections.abc import Mapping

from django.urls import reverse

from calendars.account import account_of
from calendars.leaving import REMOVE_EVENTS
from calendars.models import CalendarTarget
from integrations.cards import STATE_BADGES, Action, Badge, Card
from integrations.models import Connection, SyncRun
from integrations.registry import (
    DisconnectChoice,
    DisconnectTerms,
    Integration,
    access_revoked,
)


def _detail(connection: Connection, target: CalendarTarget | None) -> str:
    if target is None:
        return f"{connection.remote_name} · choose the calendar Patchbay writes to"
    # When it synced, and when it syncs next, is the card's own line (Card.sync_line).
    parts = [f"{connection.remote_name} → {target.name}"]
    if connection.state == Connection.State.DEGRADED and connection.reason:
        parts.append(connection.reason)
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


def disconnect_terms(
    integration: Integration, connection: Connection, asked: Mapping[str, str]
) -> DisconnectTerms:
    """A user's calendar: Patchbay's events stay unless they tick the box; their busy
    time and Patchbay's access go."""
    account = account_of(connection)
    kept = ["This connection's history: when you connected it and when you disconnected."]
    choices = []
    events = account.events_in_calendar
    if events and account.target is not None:
        kept.insert(
            0,
            f"The {events} event{'s' if events != 1 else ''} Patchbay put in "
            f"{account.target.name}, unless you tick the box below.",
        )
        choices.append(
            DisconnectChoice(
                REMOVE_EVENTS,
                f"Also delete the {events} event{'s' if events != 1 else ''} Patchbay put in "
                f"{account.target.name}",
                checked=asked.get(REMOVE_EVENTS) == "1",
            )
        )
    revoked = [
        *access_revoked(integration, connection),
        "Your busy time: Patchbay stops reading it and deletes what it had read.",
    ]
    return DisconnectTerms(kept, revoked, choices)
