"""The cached copy of each connection's employees and vendors, which the crew mapping
page offers. As with accounting.remote_choices: pages read the copy and ask for a
refresh; a Celery task (accounting.tasks.refresh_crew_choices) fetches through the
adapter's audited, rate-budgeted call layer, so no page load calls the provider."""

from __future__ import annotations

from dataclasses import asdict

from django.db import transaction
from django.utils import timezone

from accounting.engine.adapter import RemoteChoice
from accounting.engine.sync import adapter_for
from accounting.models import CrewChoices
from accounting.remote_choices import MAX_AGE, REFRESH_GIVES_UP
from integrations.errors import ProviderError
from integrations.models import Connection


def cached(connection: Connection) -> CrewChoices | None:
    return CrewChoices.objects.filter(connection=connection).first()


def is_refreshing(row: CrewChoices | None) -> bool:
    return (
        row is not None
        and row.refresh_requested_at is not None
        and timezone.now() - row.refresh_requested_at < REFRESH_GIVES_UP
    )


def people(row: CrewChoices | None) -> list[RemoteChoice]:
    if row is None:
        return []
    return [RemoteChoice(**option) for option in row.choices.get("people", [])]


def request_refresh(connection: Connection) -> CrewChoices:
    """Mark a refresh as running and enqueue it once this transaction commits."""
    from accounting.tasks import refresh_crew_choices  # tasks import this module

    with transaction.atomic():
        row, _ = CrewChoices.objects.select_for_update().get_or_create(
            connection=connection, defaults={"organisation_id": connection.organisation_id}
        )
        if is_refreshing(row):
            return row
        row.refresh_requested_at = timezone.now()
        row.save(update_fields=["refresh_requested_at"])
        transaction.on_commit(lambda: refresh_crew_choices.delay(connection.pk))
    return row


def fresh_or_requested(connection: Connection) -> CrewChoices:
    """The cached copy; missing or older than MAX_AGE, a refresh is asked for too."""
    row = cached(connection)
    stale = row is None or row.fetched_at is None or timezone.now() - row.fetched_at > MAX_AGE
    if stale and not is_refreshing(row):
        row = request_refresh(connection)
    assert row is not None  # noqa: S101 - request_refresh always returns the row
    return row


def fetch(connection: Connection) -> CrewChoices:
    """Worker side: read the employees and vendors and store them; a provider error is
    kept on the row for the page to show, and the previous copy stays usable."""
    row, _ = CrewChoices.objects.get_or_create(
        connection=connection, defaults={"organisation_id": connection.organisation_id}
    )
    try:
        found = adapter_for(connection, None).crew()
    except ProviderError as error:
        row.error = error.message[:500]
    else:
        row.choices = {"people": [asdict(choice) for choice in found]}
        row.fetched_at = timezone.now()
        row.error = ""
    row.refresh_requested_at = None
    row.save()
    return row
