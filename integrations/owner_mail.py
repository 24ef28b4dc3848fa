"""Telling a user that their own connection (their calendar) stopped working: the card
on their profile turns red, and an email says what happened and how to fix it. The
organisation's connections are watched on the Integrations page by those who manage
them; a user's own are watched by no one else, so they are told."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from integrations.models import Connection
from integrations.registry import get_integration


def connection_failed(connection: Connection) -> None:
    """After the transition commits, mail the owner (a worker sends it)."""
    if connection.owner_id is None:
        return
    from integrations.tasks import mail_owner_connection_failed

    connection_id = connection.pk
    transaction.on_commit(lambda: mail_owner_connection_failed.delay(connection_id))


def send_failure_mail(connection: Connection) -> bool:
    """Sent only while the connection is still failing (a reconnect may have come first)."""
    if connection.owner is None or connection.state != Connection.State.ERROR:
        return False
    entry = get_integration(connection.provider)
    name = entry.name if entry is not None else connection.provider
    profile = f"{settings.PUBLIC_BASE_URL}{reverse('tenancy:profile')}"
    body = (
        f"Patchbay can no longer reach your {name} account ({connection.remote_name}), so "
        f"your assignments at {connection.organisation.name} stop reaching your calendar.\n\n"
        f"What happened: {connection.reason or 'the account refused Patchbay.'}\n\n"
        f"To fix it, open your profile and press Reconnect on the {name} card:\n{profile}\n\n"
        "Nothing is lost: once you reconnect, Patchbay brings your calendar up to date."
    )
    send_mail(
        f"Reconnect your {name} calendar to Patchbay",
        body,
        None,
        [connection.owner.email],
    )
    return True
