"""A connection's push choices (documents as drafts or approved, a sync start date) and
including one record issued before the start date."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from accounting.models import Entity, IncludedRecord, PushSettings
from accounting.standing import syncing_connections
from integrations.models import Connection
from operations.models import CreditNote, Invoice
from tenancy.models import Organisation, User

# What can be included one by one: the documents a start date keeps out.
INCLUDABLE = {Entity.INVOICE: Invoice, Entity.CREDIT_NOTE: CreditNote}


class NotIncludable(ValueError):
    """The record can't be included (unknown kind, or not this organisation's)."""


def choices_of(connection: Connection) -> PushSettings:
    """The connection's choices, or the defaults (drafts, no start date) unsaved."""
    found = PushSettings.objects.filter(connection=connection).first()
    return found or PushSettings(connection=connection, organisation_id=connection.organisation_id)


def save(connection: Connection, invoice_status: str, start_date: date | None) -> PushSettings:
    choices, _ = PushSettings.objects.update_or_create(
        connection=connection,
        defaults={"invoice_status": invoice_status, "start_date": start_date},
        create_defaults={
            "organisation_id": connection.organisation_id,
            "invoice_status": invoice_status,
            "start_date": start_date,
        },
    )
    return choices


@transaction.atomic
def include_before_start(
    organisation: Organisation, entity: str, local_id: int, user: User | None
) -> list[IncludedRecord]:
    """Push this invoice or credit note even though it was issued before the start date
    (with its payments and credit allocations), on every accounting connection that
    syncs it. Including it again changes nothing; the next sync sends it."""
    model = INCLUDABLE.get(entity)  # type: ignore[call-overload]
    if model is None:
        raise NotIncludable(f"Only invoices and credit notes can be included, not {entity}.")
    record = model.objects.filter(organisation=organisation, pk=local_id).first()
    if record is None:
        raise NotIncludable("No such record in this organisation.")
    included = []
    for connection in syncing_connections(organisation, record.legal_entity_id):
        row, _ = IncludedRecord.objects.get_or_create(
            connection=connection,
            entity=entity,
            local_id=local_id,
            defaults={"organisation_id": organisation.pk, "included_by": user},
        )
        included.append(row)
    return included


def is_included(connection: Connection, entity: str, local_id: int) -> bool:
    return IncludedRecord.objects.filter(
        connection=connection, entity=entity, local_id=local_id
    ).exists()
