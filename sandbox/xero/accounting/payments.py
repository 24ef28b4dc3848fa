"""Payments: GET/PUT/POST /Payments, GET /Payments/{PaymentID}, and deleting one with
POST /Payments/{PaymentID} {"Status": "DELETED"}.

A payment applies to an AUTHORISED invoice, at most its AmountDue, into a bank account
or an account with EnablePaymentsToAccount; the invoice becomes PAID when nothing is
left due. A deleted payment stays listed with Status DELETED, and its invoice is due again.
https://developer.xero.com/documentation/api/accounting/payments
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from sandbox.xero import problems
from sandbox.xero.accounting import batch, contacts, listing
from sandbox.xero.accounting.batch import Invalid, Mode
from sandbox.xero.accounting.context import Books
from sandbox.xero.accounting.dates import ms, ms_day, today, utc_string
from sandbox.xero.accounting.models import XeroAccount, XeroInvoice, XeroPayment
from sandbox.xero.accounting.models.documents import Status
from sandbox.xero.accounting.money import ZERO, cents, number
from sandbox.xero.accounting.reader import Reader
from sandbox.xero.accounting.responses import Json, ok, validation_exception

ZERO_ID = "00000000-0000-0000-0000-000000000000"
ORDER = {"UpdatedDateUTC": "updated_at", "Date": "date", "Amount": "amount"}
ORDER |= {"Status": "status", "Reference": "reference", "PaymentID": "payment_id"}
EXCEEDS = "Payment amount exceeds the amount outstanding on this document"
NOT_PAYABLE = "Invoice not of valid status for creating payment"
NO_INVOICE = "An existing Invoice with the specified InvoiceID could not be found"
NO_ACCOUNT = "An Account must be specified by its AccountID or Code."


# --- rendering -------------------------------------------------------------------------


def render(payment: XeroPayment) -> Json:
    return {
        "PaymentID": str(payment.payment_id) if payment.pk else ZERO_ID,
        "Date": ms_day(payment.date),
        "BankAmount": number(payment.amount),
        "Amount": number(payment.amount),
        "Reference": payment.reference,
        "CurrencyRate": number(payment.currency_rate),
        "PaymentType": payment.payment_type,
        "Status": payment.status,
        "UpdatedDateUTC": ms(payment.updated_at),
        "UpdatedDateUTCString": utc_string(payment.updated_at),
        "HasAccount": True,
        "IsReconciled": False,
        "Account": {"AccountID": str(payment.account.account_id), "Code": payment.account.code},
        "Invoice": _invoice(payment.invoice),
        "HasValidationErrors": False,
    }


def _invoice(invoice: XeroInvoice) -> Json:
    return {
        "Type": invoice.type,
        "InvoiceID": str(invoice.invoice_id),
        "InvoiceNumber": invoice.invoice_number,
        "Contact": contacts.brief(invoice.contact),
        "Prepayments": [],
        "Overpayments": [],
        "HasErrors": False,
        "IsDiscounted": False,
        "HasAttachments": False,
        "CurrencyCode": invoice.currency_code,
    }


def _echo(reader: Reader) -> Json:
    """A refused payment as sent, with only the fields the spec's Payment has."""
    keys = ("Amount", "Reference", "Date", "Invoice", "Account", "Code", "InvoiceNumber")
    body: Json = {key: reader.raw[key] for key in keys if key in reader.raw}
    return {key: value for key, value in body.items() if _fits(key, value)} | {
        "HasValidationErrors": False
    }


def _fits(key: str, value: Any) -> bool:
    if key in {"Invoice", "Account"}:
        return isinstance(value, dict) and all(_id_ok(k, v) for k, v in value.items())
    return isinstance(value, str) or (key == "Amount" and isinstance(value, int | float))


def _id_ok(key: str, value: Any) -> bool:
    if not key.endswith("ID"):
        return isinstance(value, str | int | float)
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


# --- writing ---------------------------------------------------------------------------


def write(books: Books, raw: dict[str, Any], mode: Mode, target: str | None) -> Json:
    reader = Reader(raw)
    invoice = _invoice_named(books, reader)
    account = _account_named(books, reader)
    amount = reader.decimal("Amount")
    payment = XeroPayment(
        organisation=books.organisation,
        date=reader.day("Date") or today(),
        reference=reader.text("Reference", 255) or "",
        created_by=books.client_id,
    )
    errors = reader.errors + _problems(invoice, account, amount)
    if errors or invoice is None or account is None or amount is None:
        raise Invalid(errors or [EXCEEDS], _echo(reader))
    payment.invoice, payment.account, payment.amount = invoice, account, cents(amount)
    _apply(books, payment)
    return render(payment)


KIND = batch.Kind("Payments", write, "HasValidationErrors")


def _invoice_named(books: Books, reader: Reader) -> XeroInvoice | None:
    named = reader.obj("Invoice")
    rows = XeroInvoice.objects.filter(organisation=books.organisation).select_related("contact")
    wanted = named.ident("InvoiceID") if named else None
    number_ = (named.text("InvoiceNumber") if named else None) or reader.text("InvoiceNumber")
    found = None
    if wanted is not None:
        found = rows.filter(invoice_id=wanted).first()
    elif number_:
        found = rows.filter(invoice_number=number_).exclude(status=Status.DELETED).first()
    if found is None:
        reader.errors.append(NO_INVOICE)
    return found


def _account_named(books: Books, reader: Reader) -> XeroAccount | None:
    named = reader.obj("Account")
    wanted = named.ident("AccountID") if named else None
    code = (named.text("Code") if named else None) or reader.text("Code")
    account = books.account_by_id(wanted) if wanted else (books.account(code) if code else None)
    if wanted is None and not code:
        reader.errors.append(NO_ACCOUNT)
    elif account is None or not account.takes_payments:
        shown = code or str(wanted)
        reader.errors.append(
            f"Account {shown} cannot take payments: use a bank account or one with "
            "EnablePaymentsToAccount."
        )
    return account


def _problems(invoice: XeroInvoice | None, account: XeroAccount | None, amount: Any) -> list[str]:
    if invoice is None or account is None:
        return []
    if invoice.status != Status.AUTHORISED:
        return [NOT_PAYABLE]
    if amount is None or amount <= ZERO:
        return ["Payment amount must be greater than zero."]
    if cents(amount) > invoice.amount_due:
        return [EXCEEDS]
    return []


def _apply(books: Books, payment: XeroPayment) -> None:
    payment.updated_at = books.now
    payment.save()
    invoice = payment.invoice
    invoice.amount_paid += payment.amount
    if invoice.amount_due == ZERO:
        invoice.status, invoice.fully_paid_on = Status.PAID, payment.date
    invoice.updated_at = books.now
    invoice.save(update_fields=["amount_paid", "status", "fully_paid_on", "updated_at"])


def delete(books: Books, payload: Any, ref: str) -> HttpResponse:
    """POST /Payments/{PaymentID} with {"Status": "DELETED"} (schema PaymentDelete)."""
    payment = find(books, ref)
    if payment is None:
        return problems.not_found()
    items = payload.get("Payments", [payload]) if isinstance(payload, dict) else payload
    first = items[0] if isinstance(items, list) and items else None
    wanted = first.get("Status") if isinstance(first, dict) else None
    if str(wanted).upper() != XeroPayment.Status.DELETED:
        refusal = Invalid(["A payment can only be changed to Status DELETED."], render(payment))
    elif payment.status == XeroPayment.Status.DELETED:
        refusal = Invalid(["This payment has already been deleted."], render(payment))
    else:
        _undo(books, payment)
        return ok("Payments", [render(payment)])
    return validation_exception([batch.refused(KIND, refusal)])


def _undo(books: Books, payment: XeroPayment) -> None:
    payment.status, payment.updated_at = XeroPayment.Status.DELETED, books.now
    payment.save(update_fields=["status", "updated_at"])
    invoice = payment.invoice
    invoice.amount_paid -= payment.amount
    if invoice.status == Status.PAID:
        invoice.status, invoice.fully_paid_on = Status.AUTHORISED, None
    invoice.updated_at = books.now
    invoice.save(update_fields=["amount_paid", "status", "fully_paid_on", "updated_at"])


# --- reading ---------------------------------------------------------------------------


def _rows(books: Books) -> QuerySet[XeroPayment]:
    rows = XeroPayment.objects.filter(organisation=books.organisation)
    return rows.select_related("account", "invoice__contact")


def find(books: Books, ref: str) -> XeroPayment | None:
    try:
        return _rows(books).filter(payment_id=uuid.UUID(ref)).first()
    except ValueError:
        return None


def list_payments(books: Books, request: HttpRequest) -> HttpResponse:
    found = listing.query(request, ORDER, ("pk",))
    rows = listing.modified_since(_rows(books), found.since).order_by(*found.order)
    items, pagination = listing.page(rows, found, render)
    return ok("Payments", items, pagination)


def get_payment(books: Books, request: HttpRequest, ref: str) -> HttpResponse:
    payment = find(books, ref)
    return problems.not_found() if payment is None else ok("Payments", [render(payment)])
