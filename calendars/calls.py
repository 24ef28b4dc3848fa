"""Every calendar call Patchbay made for the organisation's crew, for those who manage
connections: who, which platform, what kind of call, and how it went. Never a URL or a
body: they name someone's calendar and its events, which are theirs alone (each user
reads their own calls in full on their calendar page)."""

from __future__ import annotations

from django.db.models import QuerySet

from calendars.models import CALENDAR_PLATFORMS
from integrations.models import AuditEntry
from tenancy.models import Organisation

PAGE = 100


def calls_of(
    organisation: Organisation, *, person: int | None, platform: str, before: int | None
) -> QuerySet[AuditEntry]:
    """One page, newest first, keyset-paged on id (the audit is append-only)."""
    entries = AuditEntry.objects.filter(
        organisation=organisation,
        connection__owner__isnull=False,
        connection__provider__in=CALENDAR_PLATFORMS,
    ).select_related("connection__owner")
    if person is not None:
        entries = entries.filter(connection__owner_id=person)
    if platform in CALENDAR_PLATFORMS:
        entries = entries.filter(connection__provider=platform)
    if before is not None:
        entries = entries.filter(id__lt=before)
    return entries.order_by("-id")[:PAGE]
