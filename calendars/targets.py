"""Setting the calendar a connection writes to, whichever page the user chose it on."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from calendars.models import CalendarTarget
from integrations.models import Connection

# The choice that asks Patchbay to make a calendar of its own on the first sync.
NEW_CALENDAR = "new"


def set_target(connection: Connection, choice: str, names: dict[str, str]) -> CalendarTarget:
    """Point the connection at `choice` (a remote id among `names`, or NEW_CALENDAR) and
    sync it once the choice is saved. A new calendar starts a fresh reconcile."""
    from integrations.syncs import sync_connection

    new = choice == NEW_CALENDAR
    target, _ = CalendarTarget.objects.update_or_create(
        connection=connection,
        defaults={
            "organisation_id": connection.organisation_id,
            "remote_id": "" if new else choice,
            "name": "Patchbay" if new else names.get(choice, choice),
            "made_by_patchbay": new,
            "chosen_at": timezone.now(),
            "reconciled_at": None,
        },
    )
    connection_id = connection.pk
    transaction.on_commit(lambda: sync_connection.delay(connection_id, "manual"))
    return target
