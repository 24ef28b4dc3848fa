"""`allocated_artefacts` on contact payments and contact allocations: which artefacts a
payment or a credit settles, and by how much. Shared by both endpoints."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sandbox.sage.accounting import amounts, lookups
from sandbox.sage.accounting.context import Books, Invalid
from sandbox.sage.models import (
    SageAllocatedArtefact,
    SageContact,
    SageSalesCreditNote,
    SageSalesInvoice,
    Status,
)
from sandbox.sage.models.books import SageArtefact

SOURCE = "allocated_artefacts"
OPEN = (Status.UNPAID, Status.PART_PAID)


@dataclass(frozen=True)
class Share:
    artefact: SageArtefact
    amount: Decimal
    discount: Decimal


def parse(books: Books, contact: SageContact, raw: Any, *, credit_notes: bool) -> list[Share]:
    if not isinstance(raw, list):
        raise Invalid(("must be a list", SOURCE))
    shares = [_share(books, contact, item, credit_notes=credit_notes) for item in raw]
    # An invoice and a credit note may share a primary key (two tables): tell them apart.
    seen = [(type(share.artefact), share.artefact.pk) for share in shares]
    if len(set(seen)) != len(seen):
        raise Invalid(("names the same artefact twice", f"{SOURCE}.artefact_id"))
    return shares


def _share(books: Books, contact: SageContact, item: Any, *, credit_notes: bool) -> Share:
    if not isinstance(item, dict):
        raise Invalid(("must be a list of objects", SOURCE))
    artefact: SageArtefact | None = (
        lookups.record(SageSalesInvoice, books, item, "artefact_id", source=f"{SOURCE}.artefact_id")
        if _is_invoice(books, item)
        else None
    )
    if artefact is None and credit_notes:
        artefact = lookups.record(
            SageSalesCreditNote, books, item, "artefact_id", source=f"{SOURCE}.artefact_id"
        )
    if artefact is None:
        raise Invalid(("is invalid: no such open sales invoice", f"{SOURCE}.artefact_id"))
    if artefact.contact_id != contact.pk:
        raise Invalid(("belongs to another contact", f"{SOURCE}.artefact_id"))
    if artefact.status not in OPEN:
        raise Invalid((f"cannot be allocated while {artefact.status}", f"{SOURCE}.artefact_id"))
    value = lookups.decimal(item, "amount", source=f"{SOURCE}.amount", required=True)
    discount = lookups.decimal(item, "discount", source=f"{SOURCE}.discount") or Decimal(0)
    assert value is not None  # noqa: S101 - required=True guarantees it
    if abs(value) + discount > artefact.outstanding_amount:
        raise Invalid(("is more than the amount outstanding", f"{SOURCE}.amount"))
    return Share(artefact, amounts.cents(value), amounts.cents(discount))


def _is_invoice(books: Books, item: dict[str, Any]) -> bool:
    key = item.get("artefact_id")
    return (
        isinstance(key, str)
        and SageSalesInvoice.objects.filter(
            business=books.business, guid=key, deleted_at__isnull=True
        ).exists()
    )


def write(owner: dict[str, Any], shares: list[Share]) -> None:
    """Store the shares for a payment (owner={"payment": p}) or allocation."""
    for share in shares:
        target = (
            {"invoice": share.artefact}
            if isinstance(share.artefact, SageSalesInvoice)
            else {"credit_note": share.artefact}
        )
        SageAllocatedArtefact.objects.create(
            **owner, **target, amount=share.amount, discount=share.discount
        )


def artefacts_of(rows: Any) -> list[SageArtefact]:
    found: list[SageArtefact] = []
    for row in rows:
        found.append(row.invoice or row.credit_note)
    return found


def retouch(artefacts: list[SageArtefact], books: Books) -> None:
    """Outstanding amounts and statuses after a payment or allocation changed."""
    for artefact in {(type(a), a.pk): a for a in artefacts}.values():
        artefact.refresh_from_db()
        amounts.touch(artefact, books.now)
