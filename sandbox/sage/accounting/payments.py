"""Contact payments: customer receipts, settling sales invoices through
`allocated_artefacts[]{artefact_id, amount, discount}`.

https://developer.sage.com/accounting/guides/concepts/payments
Required: `transaction_type_id`, `contact_id`, `bank_account_id`, `date`, `total_amount`.
What the allocations do not use stays on the contact's account (`payment_on_account`).
A full payment leaves the invoice PAID with nothing outstanding, a partial one
PART_PAID; deleting the payment (204, a soft delete) restores what it settled. The
sandbox takes CUSTOMER_RECEIPT only: purchase-side artefacts are not emulated.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict

from sandbox.sage.accounting import lookups, settlement
from sandbox.sage.accounting.artefacts import artefact_link
from sandbox.sage.accounting.contacts import contact_link
from sandbox.sage.accounting.context import Books, Invalid
from sandbox.sage.accounting.reference import bank_account_link, currency_link
from sandbox.sage.accounting.resources import Resource, register
from sandbox.sage.accounting.wire import Json, amount, day, link, timestamp
from sandbox.sage.models import SageBankAccount, SageContact, SageContactPayment

TRANSACTION_TYPES = {"CUSTOMER_RECEIPT": "Customer Receipt"}
PAYMENT_METHODS = {
    "BANK_TRANSFER": "Bank Transfer",
    "CASH": "Cash",
    "CHECK": "Cheque",
    "CREDIT_DEBIT": "Credit/Debit Card",
    "ALTERNATIVE_PAYMENT": "Alternative Payment",
}


def render(row: SageContactPayment) -> Json:
    allocated = list(row.allocated.select_related("invoice", "credit_note"))
    used = sum((share.amount + share.discount for share in allocated), Decimal(0))
    on_account = row.total_amount - used
    return link(
        "contact_payments", row.guid, row.reference or TRANSACTION_TYPES[row.transaction_type]
    ) | {
        "created_at": timestamp(row.created_at),
        "updated_at": timestamp(row.updated_at),
        "deleted_at": timestamp(row.deleted_at),
        "transaction_type": link(
            "transaction_types", row.transaction_type, TRANSACTION_TYPES[row.transaction_type]
        ),
        "payment_method": link(
            "payment_methods", row.payment_method, PAYMENT_METHODS[row.payment_method]
        ),
        "contact": contact_link(row.contact),
        "bank_account": bank_account_link(row.bank_account),
        "date": day(row.date),
        "net_amount": amount(row.total_amount),
        "tax_amount": 0.0,
        "total_amount": amount(row.total_amount),
        "currency": currency_link(row.contact.currency),
        "exchange_rate": 1.0,
        "reference": row.reference or None,
        "allocated_artefacts": [
            {
                "id": share.guid,
                "artefact": artefact_link(share.invoice or share.credit_note),  # type: ignore[arg-type]
                "amount": amount(share.amount),
                "discount": amount(share.discount),
            }
            for share in allocated
        ],
        "payment_on_account": _on_account(row, on_account),
        "editable": row.deleted_at is None,
    }


def _on_account(row: SageContactPayment, left: Decimal) -> Json | None:
    if left <= 0:
        return None
    return {
        "contact_name": row.contact.name,
        "reference": row.reference or None,
        "total_amount": amount(left),
        "outstanding_amount": amount(left),
    }


def create(books: Books, payload: Json) -> SageContactPayment:
    kind = payload.get("transaction_type_id")
    if kind not in TRANSACTION_TYPES:
        raise Invalid((lookups.REQUIRED if not kind else "is not supported", "transaction_type_id"))
    row = SageContactPayment(
        business=books.business,
        transaction_type=kind,
        created_by=books.client_id,
        created_at=books.now,
    )
    _apply(books, row, payload, creating=True)
    row.updated_at = books.now
    row.save()
    _allocate(books, row, payload.get("allocated_artefacts", []), before=[])
    return row


def update(books: Books, row: SageContactPayment, payload: Json) -> SageContactPayment:
    _apply(books, row, payload, creating=False)
    row.updated_at = books.now
    row.save()
    if "allocated_artefacts" in payload:
        before = settlement.artefacts_of(row.allocated.select_related("invoice", "credit_note"))
        row.allocated.all().delete()
        _allocate(books, row, payload["allocated_artefacts"], before=before)
    elif row.total_amount < _used(row):
        raise Invalid(("is less than the amount allocated", "total_amount"))
    return row


def _apply(books: Books, row: SageContactPayment, payload: Json, *, creating: bool) -> None:
    contact = lookups.record(SageContact, books, payload, "contact_id", required=creating)
    if contact is not None:
        row.contact = contact
    bank = lookups.record(SageBankAccount, books, payload, "bank_account_id", required=creating)
    if bank is not None:
        row.bank_account = bank
    when = lookups.day(payload, "date", required=creating)
    if when is not None:
        row.date = when
    total = lookups.decimal(payload, "total_amount", required=creating)
    if total is not None:
        if total <= 0:
            raise Invalid(("must be greater than 0", "total_amount"))
        row.total_amount = total
    method = payload.get("payment_method_id")
    if method is not None:
        if method not in PAYMENT_METHODS:
            raise Invalid(("is invalid", "payment_method_id"))
        row.payment_method = method
    reference = lookups.text(payload, "reference", limit=255)
    if reference is not None:
        row.reference = reference


def _allocate(books: Books, row: SageContactPayment, raw: Any, *, before: list[Any]) -> None:
    shares = settlement.parse(books, row.contact, raw or [], credit_notes=False)
    for share in shares:
        if share.amount <= 0:
            raise Invalid(("must be greater than 0", "allocated_artefacts.amount"))
    if sum((share.amount + share.discount for share in shares), Decimal(0)) > row.total_amount:
        raise Invalid(("add up to more than the payment's total_amount", "allocated_artefacts"))
    settlement.write({"payment": row}, shares)
    settlement.retouch(before + [share.artefact for share in shares], books)


def _used(row: SageContactPayment) -> Decimal:
    return sum((share.amount + share.discount for share in row.allocated.all()), Decimal(0))


def delete(books: Books, row: SageContactPayment, query: QueryDict) -> HttpResponse:
    settled = settlement.artefacts_of(row.allocated.select_related("invoice", "credit_note"))
    row.deleted_at = books.now
    row.updated_at = books.now
    row.save(update_fields=["deleted_at", "updated_at"])
    settlement.retouch(settled, books)
    return HttpResponse(status=204)


def filters(rows: QuerySet[Any], query: QueryDict) -> QuerySet[Any]:
    for name, field in (("contact_id", "contact__guid"), ("bank_account_id", "bank_account__guid")):
        if query.get(name):
            rows = rows.filter(**{field: query[name]})
    if query.get("transaction_type_id"):
        rows = rows.filter(transaction_type=query["transaction_type_id"])
    return rows


CONTACT_PAYMENTS = register(
    Resource(
        name="contact_payments",
        singular="contact_payment",
        rows=lambda books: SageContactPayment.objects.filter(
            business=books.business
        ).select_related("contact", "bank_account__ledger_account"),
        render=render,
        create=create,
        update=update,
        delete=delete,
        filters=filters,
        sorts=frozenset({"created_at", "updated_at", "date"}),
    )
)
