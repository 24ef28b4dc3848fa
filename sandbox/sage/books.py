"""A business's books as Sage's own screens would show and change them.

For tests and the console: read what the app wrote, and act as the bookkeeper inside
Sage (edit an invoice, record a full or partial payment or delete one, add or delete a
contact, delete a service, void or delete an invoice, lock it by VAT reconciliation).
Every change goes through the API's rules, moves `updated_at`, and is refused
(`Refused`, with Sage's messages) where Sage would.
`business` is a business id; invoices are named by id, number (SI-1) or reference.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Q
from django.http import QueryDict

from sandbox.core.params import whole_number
from sandbox.sage import faults
from sandbox.sage.accounting import artefacts, contacts, http, items, payments
from sandbox.sage.accounting.context import Books, Invalid
from sandbox.sage.accounting.wire import Json
from sandbox.sage.models import (
    SageBankAccount,
    SageBusiness,
    SageContact,
    SageContactPayment,
    SageFault,
    SageItem,
    SageLedgerAccount,
    SageSalesCreditNote,
    SageSalesInvoice,
    Status,
)

T = TypeVar("T")
Amount = Decimal | float | int | str


class Refused(ValueError):
    """Sage refused the change; `messages` are its `$message`s with their `$source`."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages))
        self.messages = messages


# --- reading ---------------------------------------------------------------------------


def business(business_id: str) -> SageBusiness:
    return SageBusiness.objects.get(guid=business_id)


def invoices_of(business_id: str) -> list[SageSalesInvoice]:
    """Every sales invoice of the business, oldest first, deleted and void ones included."""
    rows = SageSalesInvoice.objects.filter(business=business(business_id))
    return list(rows.select_related("contact").prefetch_related("lines").order_by("pk"))


def invoice(business_id: str, ref: str) -> SageSalesInvoice:
    """One invoice by id, number or reference (the newest live match)."""
    rows = SageSalesInvoice.objects.filter(business=business(business_id))
    found = rows.filter(guid=ref).first()
    if found is None:
        live = rows.filter(deleted_at__isnull=True).order_by("-pk")
        found = live.filter(Q(number=ref) | Q(reference=ref)).first()
    if found is None:
        raise SageSalesInvoice.DoesNotExist(f"No invoice {ref} in {business_id}")
    return found


def invoice_json(business_id: str, ref: str) -> Json:
    """The invoice as GET /sales_invoices/{key} returns it (without marking it sent)."""
    return artefacts.render(invoice(business_id, ref))


def contacts_of(business_id: str) -> list[SageContact]:
    return list(SageContact.objects.filter(business=business(business_id)).order_by("pk"))


def payments_of(business_id: str) -> list[SageContactPayment]:
    rows = SageContactPayment.objects.filter(business=business(business_id))
    return list(rows.select_related("contact", "bank_account").order_by("pk"))


def credit_notes_of(business_id: str) -> list[SageSalesCreditNote]:
    return list(SageSalesCreditNote.objects.filter(business=business(business_id)).order_by("pk"))


# --- acting as the bookkeeper ------------------------------------------------------------


def record_payment(
    business_id: str,
    invoice_ref: str,
    amount: Amount,
    *,
    bank_account: str = "1200",
    on: date | None = None,
    reference: str = "",
    method: str = "BANK_TRANSFER",
) -> SageContactPayment:
    """A customer receipt settling `amount` of the invoice (full or partial), paid into
    the bank account with that nominal code (or id)."""
    target = invoice(business_id, invoice_ref)
    payload: Json = {
        "transaction_type_id": "CUSTOMER_RECEIPT",
        "contact_id": target.contact.guid,
        "bank_account_id": _bank(business_id, bank_account).guid,
        "date": (on or target.date).isoformat(),
        "total_amount": str(amount),
        "payment_method_id": method,
        "reference": reference,
        "allocated_artefacts": [{"artefact_id": target.guid, "amount": str(amount)}],
    }
    return _act(business_id, lambda books: payments.create(books, payload))


def delete_payment(business_id: str, payment_id: str) -> SageContactPayment:
    row = SageContactPayment.objects.get(business=business(business_id), guid=payment_id)
    _act(business_id, lambda books: payments.delete(books, row, QueryDict()))
    row.refresh_from_db()
    return row


def edit_invoice(
    business_id: str,
    invoice_ref: str,
    *,
    reference: str | None = None,
    notes: str | None = None,
    due_date: date | None = None,
    description: str | None = None,
    unit_price: Amount | None = None,
    quantity: Amount | None = None,
    line: int = 0,
    lines: dict[int, dict[str, Any]] | None = None,
) -> SageSalesInvoice:
    """Change the reference, notes, due date, or lines (0-based) of an editable invoice.

    `lines` changes several at once, e.g. {0: {"description": "...", "unit_price": "90"}}.
    """
    target = invoice(business_id, invoice_ref)
    payload: Json = {}
    for name, value in (("reference", reference), ("notes", notes)):
        if value is not None:
            payload[name] = value
    if due_date is not None:
        payload["due_date"] = due_date.isoformat()
    changes = dict(lines or {})
    wanted = {"description": description, "unit_price": unit_price, "quantity": quantity}
    one = {key: _wire(value) for key, value in wanted.items() if value is not None}
    if one:
        changes[line] = changes.get(line, {}) | one
    if changes:
        payload["invoice_lines"] = _line_changes(target, changes)
    _act(business_id, lambda books: artefacts.update(books, target, payload))
    target.refresh_from_db()
    return target


def create_invoice(business_id: str, payload: Json) -> SageSalesInvoice:
    """An invoice typed into Sage by a person; `payload` is shaped like the API's."""
    create = artefacts.SALES_INVOICES.create
    assert create is not None  # noqa: S101 - invoices can be created
    created = _act(business_id, lambda books: create(books, dict(payload)))
    return SageSalesInvoice.objects.get(pk=created.pk)


def add_manual_invoice(
    business_id: str,
    contact_id: str,
    description: str,
    amount: Amount,
    *,
    due_date: date | None = None,
) -> SageSalesInvoice:
    """A sales invoice a bookkeeper types into Sage for an existing customer contact,
    saved (not a draft): one line on the business's first sales ledger account, at that
    account's tax rate."""
    account = (
        SageLedgerAccount.objects.filter(
            business=business(business_id), ledger_account_type="SALES", deleted_at__isnull=True
        )
        .order_by("nominal_code", "pk")
        .first()
    )
    if account is None:
        raise LookupError("The business has no sales ledger account: add one first.")
    line: Json = {
        "description": description,
        "ledger_account_id": account.guid,
        "quantity": 1,
        "unit_price": str(amount),
    }
    if account.tax_rate is not None:
        line["tax_rate_id"] = account.tax_rate.guid
    payload: Json = {
        "contact_id": contact_id,
        "date": date.today().isoformat(),
        "invoice_lines": [line],
    }
    if due_date is not None:
        payload["due_date"] = due_date.isoformat()
    return create_invoice(business_id, payload)


def release_invoice(business_id: str, invoice_ref: str) -> SageSalesInvoice:
    target = invoice(business_id, invoice_ref)
    _act(business_id, lambda books: artefacts.release(books, target))
    target.refresh_from_db()
    return target


def void_invoice(business_id: str, invoice_ref: str, reason: str = "Voided") -> SageSalesInvoice:
    target = invoice(business_id, invoice_ref)
    query = QueryDict(mutable=True)
    query["void_reason"] = reason
    _act(business_id, lambda books: artefacts.delete(books, target, query))
    target.refresh_from_db()
    return target


def delete_invoice(
    business_id: str, invoice_ref: str, reason: str = "Deleted in Sage"
) -> SageSalesInvoice:
    """What the DELETE endpoint does: a draft is deleted, anything else voided."""
    target = invoice(business_id, invoice_ref)
    if target.status == Status.DRAFT:
        _act(business_id, lambda books: artefacts.delete(books, target, QueryDict()))
        target.refresh_from_db()
        return target
    return void_invoice(business_id, invoice_ref, reason)


def reconcile_vat(business_id: str, invoice_ref: str) -> SageSalesInvoice:
    """The invoice is included in a filed VAT return: it can no longer be edited."""
    target = invoice(business_id, invoice_ref)

    def lock(books: Books) -> SageSalesInvoice:
        target.tax_reconciled = True
        target.updated_at = books.now
        target.save(update_fields=["tax_reconciled", "updated_at"])
        return target

    return _act(business_id, lock)


def create_contact(
    business_id: str, name: str, *, reference: str = "", email: str = ""
) -> SageContact:
    payload: Json = {"name": name, "contact_type_ids": ["CUSTOMER"], "email": email}
    if reference:
        payload["reference"] = reference
    return _act(business_id, lambda books: contacts.create(books, payload))


def delete_contact(business_id: str, contact_id: str) -> SageContact:
    """Delete a contact as Sage's screens do: refused while it has live transactions."""
    row = SageContact.objects.get(business=business(business_id), guid=contact_id)
    _act(business_id, lambda books: contacts.delete(books, row, QueryDict()))
    row.refresh_from_db()
    return row


def delete_item(business_id: str, item_id: str) -> SageItem:
    """Delete a product or service."""
    row = SageItem.objects.get(business=business(business_id), guid=item_id)
    _act(business_id, lambda books: items.delete(books, row, QueryDict()))
    row.refresh_from_db()
    return row


def set_fail_ratio(
    ratio: float,
    seed: int | None = None,
    *,
    delay_seconds: float = 0.0,
    minutes: float | None = None,
) -> SageFault:
    """`ratio` of API calls fail (500s, 429s, writes whose answer is lost); 0 ends it."""
    return faults.flaky_api(ratio, seed, delay_seconds=delay_seconds, minutes=minutes)


# --- plumbing ----------------------------------------------------------------------------


def _bank(business_id: str, ref: str) -> SageBankAccount:
    rows = SageBankAccount.objects.filter(business=business(business_id))
    found = rows.filter(guid=ref).first()
    code = whole_number(ref)
    if found is None and code is not None:
        found = rows.filter(ledger_account__nominal_code=code).first()
    if found is None:
        raise Refused([f"No bank account {ref}."])
    return found


def _line_changes(target: SageSalesInvoice, changes: dict[int, dict[str, Any]]) -> list[Json]:
    current = list(target.lines.all())
    sent: list[Json] = []
    for index, change in sorted(changes.items()):
        if not 0 <= index < len(current):
            raise Refused([f"Invoice {target} has no line {index + 1}."])
        sent.append({"id": current[index].guid} | {k: _wire(v) for k, v in change.items()})
    return sent


def _wire(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal | float | int) else value


def _act(business_id: str, change: Callable[[Books], T]) -> T:
    books = Books(business(business_id))
    with transaction.atomic():
        http.lock(books)
        try:
            with transaction.atomic():
                return change(books)
        except Invalid as invalid:
            raise Refused(
                [f"{source}: {message}" for message, source in invalid.problems]
            ) from invalid
