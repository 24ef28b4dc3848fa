"""Accounting's reactions to the platform's connection events."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from integrations.models import ConnectionEvent

LINKED = (ConnectionEvent.Kind.CONNECTED, ConnectionEvent.Kind.RECONNECTED)


@receiver(post_save, sender=ConnectionEvent, dispatch_uid="accounting-fetch-choices-on-connect")
def fetch_choices_on_connect(
    sender: type[ConnectionEvent], instance: ConnectionEvent, created: bool, **kwargs: Any
) -> None:
    """A (re)connected ledger's chart of accounts is fetched at once, so the mappings page
    the person opens next already has it, or shortly will."""
    if not created or instance.kind not in LINKED:
        return
    from accounting import remote_choices  # imports the engine, which needs apps ready
    from accounting.tasks import SYNCABLE

    connection = instance.connection
    if connection.provider in SYNCABLE:
        remote_choices.request_refresh(connection)
