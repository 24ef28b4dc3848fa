"""Invoices: GET/PUT/POST /Invoices, GET/POST /Invoices/{InvoiceID or InvoiceNumber}.

Lists filter by IDs, InvoiceNumbers, ContactIDs, Statuses, createdByMyApp, searchTerm
and If-Modified-Since. Deleted and voided invoices stay in lists (that is how a client
learns of them). https://developer.xero.com/documentation/api/accounting/invoices
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse

from sandbox.xero import problems
from sandbox.xero.accounting import batch, contacts, documents, listing
from sandbox.xero.accounting.batch import Mode
from sandbox.xero.accounting.context import Books
from sandbox.xero.accounting.dates import day_string, ms, ms_day, utc_string
from sandbox.xero.accounting.models import XeroInvoice, XeroInvoiceLine, XeroPayment
from sandbox.xero.accounting.models.documents import XeroLine
from sandbox.xero.accounting.money import number
from sandbox.xero.accounting.responses import Json, ok

ZERO_ID = "00000000-0000-0000-0000-000000000000"
ORDER = {"UpdatedDateUTC": "updated_at", "Date": "date", "DueDate": "due_date"}
ORDER |= {"InvoiceNumber": "invoice_number", "Reference": "reference", "Status": "status"}
ORDER |= {"Total": "total", "InvoiceID": "invoice_id"}
SUMMARY_LEAVES_OUT = ("LineItems", "Payments", "CreditNotes", "Prepayments", "Overpayments")


# --- rendering -------------------------------------------------------------------------


def render(invoice: XeroInvoice, found: list[XeroLine] | None, summary: bool = False) -> Json:
    """The invoice as Xero returns it; `found` None leaves the line items out."""
    body: Json = {"Type": invoice.type} if invoice.type else {}
    body |= {
        "InvoiceID": str(invoice.invoice_id) if invoice.pk else ZERO_ID,
        "InvoiceNumber": invoice.invoice_number,
        "Reference": invoice.reference,
        "Payments": _payments(invoice),
        "CreditNotes": _credit_notes(invoice),
        "Prepayments": [],
        "Overpayments": [],
        "AmountDue": number(invoice.amount_due),
        "AmountPaid": number(invoice.amount_paid),
        "AmountCredited": number(invoice.amount_credited),
        "SentToContact": invoice.sent_to_contact,
        "CurrencyRate": number(invoice.currency_rate),
        "IsDiscounted": False,
        "HasAttachments": False,
        "HasErrors": False,
    }
    body |= embedded_contact(invoice) | document_dates(invoice)
    body |= {"Status": invoice.status, "LineAmountTypes": invoice.line_amount_types}
    if found is not None:
        body["LineItems"] = [line_item(line) for line in found]
    body |= _totals(invoice)
    return {
        key: value for key, value in body.items() if not summary or key not in SUMMARY_LEAVES_OUT
    }


def _totals(invoice: XeroInvoice) -> Json:
    body: Json = {
        "SubTotal": number(invoice.sub_total),
        "TotalTax": number(invoice.total_tax),
        "Total": number(invoice.total),
        "UpdatedDateUTC": ms(invoice.updated_at),
        "UpdatedDateUTCString": utc_string(invoice.updated_at),
        "CurrencyCode": invoice.currency_code,
    }
    if invoice.fully_paid_on:
        body["FullyPaidOnDate"] = ms_day(invoice.fully_paid_on)
    return body


def embedded_contact(document: Any) -> Json:
    try:
        return {"Contact": contacts.brief(document.contact)}
    except ObjectDoesNotExist:
        return {}


def document_dates(document: Any) -> Json:
    body: Json = {"DateString": day_string(document.date), "Date": ms_day(document.date)}
    if document.due_date:
        body |= {
            "DueDateString": day_string(document.due_date),
            "DueDate": ms_day(document.due_date),
        }
    return body


def line_item(line: XeroLine) -> Json:
    body: Json = {"LineItemID": str(line.line_item_id), "Description": line.description}
    body |= {"Quantity": number(line.quantity), "UnitAmount": number(line.unit_amount)}
    for key, attribute in (("ItemCode", "item_code"), ("AccountCode", "account_code")):
        if getattr(line, attribute):
            body[key] = getattr(line, attribute)
    body |= {"TaxType": line.tax_type, "TaxAmount": number(line.tax_amount)}
    body |= {"LineAmount": number(line.line_amount), "Tracking": []}
    if line.discount_rate is not None:
        body["DiscountRate"] = number(line.discount_rate)
    return body


def _payments(invoice: XeroInvoice) -> list[Json]:
    if invoice.pk is None or not invoice.amount_paid:
        return []  # nothing paid: no live payments (and no query)
    live = [row for row in invoice.payments.all() if row.status == XeroPayment.Status.AUTHORISED]
    return [
        {
            "PaymentID": str(row.payment_id),
            "Date": ms_day(row.date),
            "Amount": number(row.amount),
            "Reference": row.reference,
            "CurrencyRate": number(row.currency_rate),
            "HasAccount": False,
            "HasValidationErrors": False,
        }
        for row in live
    ]


def _credit_notes(invoice: XeroInvoice) -> list[Json]:
    if invoice.pk is None or not invoice.amount_credited:
        return []
    return [
        {
            "CreditNoteID": str(row.credit_note.credit_note_id),
            "CreditNoteNumber": row.credit_note.credit_note_number,
            "AppliedAmount": number(row.amount),
            "Date": ms_day(row.date),
            "HasErrors": False,
        }
        for row in invoice.allocations.all()
    ]


# --- writing ---------------------------------------------------------------------------


def _has_money(invoice: XeroInvoice) -> bool:
    return bool(invoice.amount_paid or invoice.amount_credited)


def _render_for_kind(invoice: XeroInvoice, found: list[XeroLine] | None) -> Json:
    return render(invoice, found)


DOCUMENT = documents.Kind(
    word="invoice",
    model=XeroInvoice,
    line_model=XeroInvoiceLine,
    parent="invoice",
    id_field="invoice_id",
    id_key="InvoiceID",
    number_field="invoice_number",
    number_key="InvoiceNumber",
    prefix="INV",
    types=("ACCREC", "ACCPAY"),
    sales_type="ACCREC",
    render=_render_for_kind,
    has_money=_has_money,
)


def write(books: Books, raw: dict[str, Any], mode: Mode, target: str | None) -> Json:
    return documents.write(DOCUMENT, books, raw, mode, target)


KIND = batch.Kind("Invoices", write, "HasErrors")


# --- reading ---------------------------------------------------------------------------


def with_details(rows: QuerySet[XeroInvoice]) -> QuerySet[XeroInvoice]:
    return rows.select_related("contact").prefetch_related(
        "lines", "payments", "allocations__credit_note"
    )


def list_invoices(books: Books, request: HttpRequest) -> HttpResponse:
    found = listing.query(request, ORDER, ("pk",))
    rows = _filtered(books, found)
    rows = with_details(listing.modified_since(rows, found.since).order_by(*found.order))
    brief = found.flag("summaryOnly")
    # Paged lists carry line items; a whole-list GET leaves them out.
    show = (lambda row: list(row.lines.all())) if found.paged and not brief else (lambda row: None)
    items, pagination = listing.page(rows, found, lambda row: render(row, show(row), brief))
    return ok("Invoices", items, pagination)


def _filtered(books: Books, found: listing.Query) -> QuerySet[XeroInvoice]:
    rows = XeroInvoice.objects.filter(organisation=books.organisation)
    wanted = listing.ids(found.text("IDs"), "IDs")
    rows = rows.filter(invoice_id__in=wanted) if wanted else rows
    contact_ids = listing.ids(found.text("ContactIDs"), "ContactIDs")
    rows = rows.filter(contact__contact_id__in=contact_ids) if contact_ids else rows
    numbers = listing.words(found.text("InvoiceNumbers"))
    rows = rows.filter(invoice_number__in=numbers) if numbers else rows
    statuses = listing.words(found.text("Statuses").upper())
    rows = rows.filter(status__in=statuses) if statuses else rows
    if found.flag("createdByMyApp"):
        rows = rows.filter(created_by=books.client_id)
    term = found.text("searchTerm")
    if term:
        rows = rows.filter(Q(invoice_number__icontains=term) | Q(reference__icontains=term))
    return rows


def get_invoice(books: Books, request: HttpRequest, ref: str) -> HttpResponse:
    invoice = documents.find(DOCUMENT, books, ref)
    if invoice is None:
        return problems.not_found()
    invoice = with_details(XeroInvoice.objects.filter(pk=invoice.pk)).get()
    return ok("Invoices", [render(invoice, list(invoice.lines.all()))])
