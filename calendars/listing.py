"""The calendars of a connected account, listed by a worker: no web request calls a
provider, so the page asks for a listing and shows it once the worker has it. A
listing is an AccountCheck without a password, kept a few minutes for the choice."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from calendars.models import AccountCheck
from integrations.errors import ProviderError
from integrations.models import Connection
from integrations.schedule import SYNCABLE_STATES

FRESH_FOR = timedelta(minutes=10)


def latest(connection: Connection) -> AccountCheck | None:
    """The newest listing of the connection still fresh enough to choose from."""
    return (
        AccountCheck.objects.filter(
            connection=connection, created_at__gte=timezone.now() - FRESH_FOR
        )
        .order_by("-pk")
        .first()
    )


def requested(connection: Connection) -> AccountCheck:
    """A fresh listing, or one asked of a worker now (at most one at a time)."""
    found = latest(connection)
    if found is not None and found.status != AccountCheck.Status.FAILED:
        return found
    assert connection.owner_id is not None  # noqa: S101 - calendar connections are a user's
    listing = AccountCheck.objects.create(
        organisation_id=connection.organisation_id,
        user_id=connection.owner_id,
        provider=connection.provider,
        username=connection.remote_name,
        connection=connection,
    )
    from calendars.tasks import list_calendars

    listing_id = listing.pk
    transaction.on_commit(lambda: list_calendars.delay(listing_id))
    return listing


def run(listing: AccountCheck) -> AccountCheck:
    """The worker's side: ask the provider, keep the writable calendars."""
    from calendars.sync import adapter_for

    connection = listing.connection
    if connection is None or connection.state not in SYNCABLE_STATES:
        return _ended(listing, AccountCheck.Status.FAILED, "Reconnect first, then choose again.")
    try:
        found = adapter_for(connection).calendars()
    except ProviderError as error:
        return _ended(listing, AccountCheck.Status.FAILED, error.message)
    listing.calendars = [
        {"remote_id": c.remote_id, "name": c.name, "primary": c.primary}
        for c in found
        if c.writable
    ]
    return _ended(listing, AccountCheck.Status.CONNECTED, "")


def _ended(listing: AccountCheck, status: str, message: str) -> AccountCheck:
    listing.status, listing.message = status, message
    listing.save(update_fields=["status", "message", "calendars"])
    return listing
