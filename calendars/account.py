"""What a user's own calendar page shows: where Patchbay writes, how it went, and the
calls it made (their own connection only)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from calendars.models import CalendarTarget, EventLink
from integrations.models import AuditEntry, Connection, SyncRun

RECENT_CALLS = 50


@dataclass
class Account:
    connection: Connection
    target: CalendarTarget | None
    latest_run: SyncRun | None
    events: dict[str, int]  # EventLink state -> how many
    calls: list[AuditEntry]

    @property
    def failed_events(self) -> int:
        return self.events.get(EventLink.State.ERROR, 0)

    @property
    def events_in_calendar(self) -> int:
        return self.events.get(EventLink.State.ACTIVE, 0)


def account_of(connection: Connection) -> Account:
    target = CalendarTarget.objects.filter(connection=connection).first()
    latest = SyncRun.objects.filter(connection=connection).order_by("-started_at").first()
    states = (
        EventLink.objects.filter(connection=connection)
        .values("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    calls = AuditEntry.objects.filter(connection=connection).order_by("-id")[:RECENT_CALLS]
    return Account(connection, target, latest, dict(states), list(calls))
