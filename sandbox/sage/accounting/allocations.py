"""Contact allocations: a credit note set against invoices of the same contact.

`allocated_artefacts` names each artefact with its share: invoices positive, credit
notes negative, adding up to zero (Sage's model for allocating credit; the exact rule
is unconfirmed). Allocations are created and deleted (204), never changed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpResponse, QueryDict

from sandbox.sage.accounting import lookups, settlement
from sandbox.sage.accounting.artefacts import artefact_link
from sandbox.sage.accounting.contacts import contact_link
from sandbox.sage.accounting.context import Books, Invalid
from sandbox.sage.accounting.resources import Resource, register
from sandbox.sage.accounting.wire import Json, amount, day, link, timestamp
from sandbox.sage.models import SageContact, SageContactAllocation, SageSalesInvoice

TRANSACTION_TYPES = {"CUSTOMER_ALLOCATION": "Customer Allocation"}


def render(row: SageContactAllocation) -> Json:
    shares = row.allocated.select_related("invoice", "credit_note")
    return link("contact_allocations", row.guid, "Customer Allocation") | {
        "created_at": timestamp(row.created_at),
        "updated_at": timestamp(row.updated_at),
        "deleted_at": timestamp(row.deleted_at),
        "transaction_type": link(
            "transaction_types", row.transaction_type, TRANSACTION_TYPES[row.transaction_type]
        ),
        "contact": contact_link(row.contact),
        "date": day(row.date),
        "allocated_artefacts": [
            {
                "id": share.guid,
                "artefact": artefact_link(share.invoice or share.credit_note),  # type: ignore[arg-type]
                "amount": amount(share.amount),
            }
            for share in shares
        ],
    }


def create(books: Books, payload: Json) -> SageContactAllocation:
    kind = payload.get("transaction_type_id")
    if kind not in TRANSACTION_TYPES:
        raise Invalid((lookups.REQUIRED if not kind else "is not supported", "transaction_type_id"))
    contact = lookups.record(SageContact, books, payload, "contact_id", required=True)
    assert contact is not None  # noqa: S101 - required=True guarantees it
    when = lookups.day(payload, "date") or books.now.date()
    shares = settlement.parse(books, contact, payload.get("allocated_artefacts"), credit_notes=True)
    if len(shares) < 2:
        raise Invalid(("needs at least two artefacts", settlement.SOURCE))
    for share in shares:
        is_invoice = isinstance(share.artefact, SageSalesInvoice)
        if (share.amount <= 0) if is_invoice else (share.amount >= 0):
            raise Invalid(
                (
                    "invoices take positive amounts, credit notes negative",
                    f"{settlement.SOURCE}.amount",
                )
            )
    if sum((share.amount for share in shares), Decimal(0)) != 0:
        raise Invalid(("must add up to zero", settlement.SOURCE))
    row = SageContactAllocation.objects.create(
        business=books.business,
        transaction_type=kind,
        contact=contact,
        date=when,
        created_at=books.now,
        updated_at=books.now,
    )
    settlement.write({"allocation": row}, shares)
    settlement.retouch([share.artefact for share in shares], books)
    return row


def delete(books: Books, row: SageContactAllocation, query: QueryDict) -> HttpResponse:
    settled = settlement.artefacts_of(row.allocated.select_related("invoice", "credit_note"))
    row.deleted_at = books.now
    row.updated_at = books.now
    row.save(update_fields=["deleted_at", "updated_at"])
    settlement.retouch(settled, books)
    return HttpResponse(status=204)


def _filters(rows: Any, query: QueryDict) -> Any:
    return rows.filter(contact__guid=query["contact_id"]) if query.get("contact_id") else rows


CONTACT_ALLOCATIONS = register(
    Resource(
        name="contact_allocations",
        singular="contact_allocation",
        rows=lambda books: SageContactAllocation.objects.filter(
            business=books.business
        ).select_related("contact"),
        render=render,
        create=create,
        delete=delete,
        filters=_filters,
    )
)
