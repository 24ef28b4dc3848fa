"""Credit notes: GET/PUT/POST /CreditNotes, GET/POST /CreditNotes/{CreditNoteID or number},
and PUT /CreditNotes/{CreditNoteID}/Allocations to set credit against invoices.

An allocation needs an AUTHORISED credit note and an AUTHORISED invoice of the same
contact, and at most the credit remaining and the amount due; either side becomes PAID
when nothing is left. https://developer.xero.com/documentation/api/accounting/creditnotes
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from sandbox.xero import problems
from sandbox.xero.accounting import batch, documents, listing
from sandbox.xero.accounting.batch import Invalid, Mode
from sandbox.xero.accounting.context import Books
from sandbox.xero.accounting.dates import ms, ms_day, today, utc_string
from sandbox.xero.accounting.invoices import document_dates, embedded_contact, line_item
from sandbox.xero.accounting.models import (
    XeroAllocation,
    XeroCreditNote,
    XeroCreditNoteLine,
    XeroInvoice,
)
from sandbox.xero.accounting.models.documents import Status, XeroLine
from sandbox.xero.accounting.money import ZERO, cents, number
from sandbox.xero.accounting.reader import Reader
from sandbox.xero.accounting.responses import Json, ok

ZERO_ID = "00000000-0000-0000-0000-000000000000"
ORDER = {"UpdatedDateUTC": "updated_at", "Date": "date", "Status": "status"}
ORDER |= {"CreditNoteNumber": "credit_note_number", "Total": "total"}
NO_INVOICE = "An existing Invoice with the specified InvoiceID could not be found"


# --- rendering -------------------------------------------------------------------------


def render(note: XeroCreditNote, found: list[XeroLine] | None) -> Json:
    body: Json = {"Type": note.type} if note.type else {}
    body |= {
        "CreditNoteID": str(note.credit_note_id) if note.pk else ZERO_ID,
        "CreditNoteNumber": note.credit_note_number,
        "Reference": note.reference,
        "SentToContact": note.sent_to_contact,
        "CurrencyRate": number(note.currency_rate),
        "RemainingCredit": number(note.remaining_credit),
        "Allocations": [_allocation(row) for row in note.allocations.all()] if note.pk else [],
        "Payments": [],
        "HasAttachments": False,
        "HasErrors": False,
    }
    body |= embedded_contact(note) | document_dates(note)
    body |= {"Status": note.status, "LineAmountTypes": note.line_amount_types}
    if found is not None:
        body["LineItems"] = [line_item(line) for line in found]
    body |= {
        "SubTotal": number(note.sub_total),
        "TotalTax": number(note.total_tax),
        "Total": number(note.total),
        "UpdatedDateUTC": ms(note.updated_at),
        "UpdatedDateUTCString": utc_string(note.updated_at),
        "CurrencyCode": note.currency_code,
    }
    if note.fully_paid_on:
        body["FullyPaidOnDate"] = ms_day(note.fully_paid_on)
    return body


def _allocation(row: XeroAllocation) -> Json:
    return {
        "AllocationID": str(row.allocation_id),
        "Amount": number(row.amount),
        "Date": ms_day(row.date),
        "Invoice": {
            "InvoiceID": str(row.invoice.invoice_id),
            "InvoiceNumber": row.invoice.invoice_number,
        },
    }


def _has_money(note: XeroCreditNote) -> bool:
    return bool(note.amount_allocated)


DOCUMENT = documents.Kind(
    word="credit note",
    model=XeroCreditNote,
    line_model=XeroCreditNoteLine,
    parent="credit_note",
    id_field="credit_note_id",
    id_key="CreditNoteID",
    number_field="credit_note_number",
    number_key="CreditNoteNumber",
    prefix="CN",
    types=("ACCRECCREDIT", "ACCPAYCREDIT"),
    sales_type="ACCRECCREDIT",
    render=render,
    has_money=_has_money,
)


def write(books: Books, raw: dict[str, Any], mode: Mode, target: str | None) -> Json:
    return documents.write(DOCUMENT, books, raw, mode, target)


KIND = batch.Kind("CreditNotes", write, "HasErrors")


# --- reading ---------------------------------------------------------------------------


def _rows(books: Books) -> QuerySet[XeroCreditNote]:
    rows = XeroCreditNote.objects.filter(organisation=books.organisation)
    return rows.select_related("contact").prefetch_related("lines", "allocations__invoice")


def list_credit_notes(books: Books, request: HttpRequest) -> HttpResponse:
    found = listing.query(request, ORDER, ("pk",))
    rows = listing.modified_since(_rows(books), found.since).order_by(*found.order)
    show = (lambda row: list(row.lines.all())) if found.paged else (lambda row: None)
    items, pagination = listing.page(rows, found, lambda row: render(row, show(row)))
    return ok("CreditNotes", items, pagination)


def get_credit_note(books: Books, request: HttpRequest, ref: str) -> HttpResponse:
    note = documents.find(DOCUMENT, books, ref)
    if note is None:
        return problems.not_found()
    note = _rows(books).get(pk=note.pk)
    return ok("CreditNotes", [render(note, list(note.lines.all()))])


# --- allocations -----------------------------------------------------------------------


def allocator(ref: str) -> batch.Kind:
    """PUT /CreditNotes/{id}/Allocations: a batch whose elements are allocations."""

    def allocate(books: Books, raw: dict[str, Any], mode: Mode, target: str | None) -> Json:
        return _allocate(books, raw, ref)

    return batch.Kind("Allocations", allocate, None)


def _allocate(books: Books, raw: dict[str, Any], ref: str) -> Json:
    reader = Reader(raw)
    note = documents.find(DOCUMENT, books, ref)
    invoice = _invoice(books, reader)
    amount, day = reader.decimal("Amount"), reader.day("Date") or today()
    errors = reader.errors + _problems(note, invoice, amount)
    if errors or note is None or invoice is None or amount is None:
        raise Invalid(errors, _echo(raw))
    allocation = XeroAllocation.objects.create(
        credit_note=note, invoice=invoice, amount=cents(amount), date=day, created_at=books.now
    )
    _settle(books, note, invoice, allocation)
    return _allocation(allocation) | {"CreditNote": {"CreditNoteID": str(note.credit_note_id)}}


def _invoice(books: Books, reader: Reader) -> XeroInvoice | None:
    named = reader.obj("Invoice")
    wanted = named.ident("InvoiceID") if named else None
    rows = XeroInvoice.objects.filter(organisation=books.organisation)
    found = rows.filter(invoice_id=wanted).first() if wanted else None
    if found is None:
        reader.errors.append(NO_INVOICE)
    return found


def _problems(note: XeroCreditNote | None, invoice: XeroInvoice | None, amount: Any) -> list[str]:
    if note is None:
        return [documents.Kind.not_found(DOCUMENT)]
    if invoice is None:
        return []
    if note.status != Status.AUTHORISED or invoice.status != Status.AUTHORISED:
        return [
            "Credit can only be allocated from an AUTHORISED credit note to an AUTHORISED invoice."
        ]
    if invoice.contact_id != note.contact_id:
        return ["The credit note and the invoice must be for the same contact."]
    if amount is None or amount <= ZERO:
        return ["Amount must be greater than zero."]
    if cents(amount) > note.remaining_credit:
        return ["The amount to allocate exceeds the remaining credit on the credit note."]
    if cents(amount) > invoice.amount_due:
        return ["Payment amount exceeds the amount outstanding on this document"]
    return []


def _settle(books: Books, note: XeroCreditNote, invoice: XeroInvoice, row: XeroAllocation) -> None:
    note.amount_allocated += row.amount
    invoice.amount_credited += row.amount
    for document, left in ((note, note.remaining_credit), (invoice, invoice.amount_due)):
        if left == ZERO:
            document.status, document.fully_paid_on = Status.PAID, row.date
        document.updated_at = books.now
        document.save()


def _echo(raw: dict[str, Any]) -> Json:
    """A refused allocation as sent; the spec's Allocation needs Amount, Invoice and Date."""
    amount = raw.get("Amount")
    invoice = raw.get("Invoice")
    wanted = invoice.get("InvoiceID") if isinstance(invoice, dict) else None
    return {
        "Amount": amount if isinstance(amount, int | float) and not isinstance(amount, bool) else 0,
        "Date": raw["Date"] if isinstance(raw.get("Date"), str) else today().isoformat(),
        "Invoice": {"InvoiceID": wanted} if isinstance(wanted, str) and _is_id(wanted) else {},
    }


def _is_id(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
