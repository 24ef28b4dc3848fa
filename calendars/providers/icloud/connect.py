"""Connecting an iCloud account: an Apple ID and an app-specific password, checked by
CalDAV discovery on a worker before anything is saved as a connection."""

from __future__ import annotations

from django.db import transaction

from calendars.models import AccountCheck
from calendars.providers.icloud import discovery
from calendars.providers.icloud.adapter import transport_for
from calendars.providers.icloud.errors import CredentialsRefused
from integrations import health
from integrations.errors import ProviderError
from integrations.models import AppPassword, Connection

SLUG = "icloud"


def check(attempt: AccountCheck) -> AccountCheck:
    """Discover the account's calendars; on success the connection exists (new, or the
    user's earlier one reconnected in place) and the calendars wait to be chosen."""
    password = AppPassword(
        organisation_id=attempt.organisation_id,
        provider=SLUG,
        owner_id=attempt.user_id,
        username=attempt.username,
        password=attempt.password,
    )
    try:
        transport = transport_for(password)
        found = discovery.list_calendars(transport, discovery.discover(transport))
    except CredentialsRefused:
        return _finish(
            attempt,
            AccountCheck.Status.REFUSED,
            "iCloud refused this Apple ID and app-specific password. Check the Apple ID, "
            "create a new app-specific password at account.apple.com, and try again.",
        )
    except ProviderError as error:
        return _finish(
            attempt,
            AccountCheck.Status.FAILED,
            f"Patchbay could not reach your iCloud calendars ({error.message}). Nothing was "
            "saved; try again in a few minutes.",
        )
    attempt.calendars = [{"remote_id": c.url, "name": c.display_name} for c in found]
    attempt.connection = _connect(attempt, password)
    return _finish(attempt, AccountCheck.Status.CONNECTED, "")


def _connect(attempt: AccountCheck, password: AppPassword) -> Connection:
    with transaction.atomic():
        connection, created = Connection.objects.get_or_create(
            organisation_id=attempt.organisation_id,
            owner_id=attempt.user_id,
            provider=SLUG,
            remote_id=attempt.username.lower(),
            defaults={"remote_name": attempt.username},
        )
        old = connection.app_password
        password.save()
        connection.app_password = password
        connection.state, connection.reason, connection.failure_count = (
            Connection.State.CONNECTED,
            "",
            0,
        )
        connection.connected_by_id = attempt.user_id
        connection.save()
        if old is not None:
            old.delete()
        kind = health.Kind.CONNECTED if created else health.Kind.RECONNECTED
        health.record(connection, kind, message=f"Linked to {attempt.username}.")
    return connection


def _finish(attempt: AccountCheck, status: str, message: str) -> AccountCheck:
    attempt.status, attempt.message, attempt.password = status, message, ""
    attempt.save()
    return attempt
