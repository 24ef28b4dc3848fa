"""The calendar kind's registry entries: one line per provider.

Each user connects their own calendar account from their profile (per_user), one
calendar platform at a time. Registered by CalendarsConfig.ready(). A provider stays
"Available soon" until its package can push.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from integrations.registry import Category, Integration

if TYPE_CHECKING:
    from integrations.cards import Card
    from integrations.models import Connection, SyncRun
    from integrations.registry import DisconnectTerms


@dataclass(frozen=True, kw_only=True)
class CalendarIntegration(Integration):
    category: Category = Category.CALENDARS
    per_user: bool = True
    exclusive_group: str = "calendar"  # one calendar platform per user at a time
    settings_url_name: str = "calendars:defaults"
    logs_url_name: str = "calendars:calls"
    disconnect_choices: tuple[str, ...] = ("remove_events",)
    # Dotted path of the provider's calendars.adapter.CalendarAdapter.
    adapter_path: str = ""

    @property
    def syncs(self) -> bool:
        return self.available and bool(self.adapter_path)

    def run_sync(self, connection: Connection, trigger: str, run: SyncRun | None) -> SyncRun:
        from calendars.sync import run_sync

        return run_sync(connection, trigger, run)

    def connected_card(self, connection: Connection, can_manage: bool) -> Card | None:
        from calendars.cards import calendar_card

        return calendar_card(self, connection)

    def disconnect_terms(self, connection: Connection, asked: Mapping[str, str]) -> DisconnectTerms:
        from calendars.cards import disconnect_terms

        return disconnect_terms(self, connection, asked)

    def before_disconnect(self, connection: Connection, choices: Mapping[str, str]) -> None:
        from calendars.leaving import before_disconnect

        before_disconnect(connection, choices)

    def leave_at_provider(self, connection: Connection) -> list[str]:
        from calendars.leaving import leave

        return leave(connection) if self.syncs else []


ENTRIES = (
    CalendarIntegration(
        slug="google-calendar",
        name="Google Calendar",
        description="Crew see their assignments in Google Calendar; busy time flows back.",
        available=True,
        adapter_path="calendars.providers.google.adapter.GoogleCalendarAdapter",
        provider_path="calendars.providers.google.provider.GoogleCalendarProvider",
        urls_path="calendars.providers.google.urls",
    ),
    CalendarIntegration(
        slug="outlook",
        name="Microsoft Outlook",
        description="Crew see their assignments in Outlook; busy time flows back.",
        available=True,
        adapter_path="calendars.providers.outlook.adapter.OutlookAdapter",
        provider_path="calendars.providers.outlook.provider.OutlookProvider",
        urls_path="calendars.providers.outlook.urls",
    ),
    CalendarIntegration(
        slug="icloud",
        name="Apple iCloud",
        description="Publish crew assignments to an iCloud calendar over CalDAV.",
        available=True,
        adapter_path="calendars.providers.icloud.adapter.ICloudAdapter",
        connect_url_name="calendars:icloud-connect",
    ),
)
