"""An organisation's books as Xero's own screens would show and change them.

For tests and the console: read what the app wrote, and act as the bookkeeper inside
Xero (edit or authorise an invoice, record or delete a payment, add a contact, delete a
draft). Every change goes through the same rules as the API, stamps UpdatedDateUTC,
and is refused with Xero's message (`Refused`) where Xero would refuse it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.db import transaction

from sandbox.xero import faults
from sandbox.xero.accounting import (
    chart,
    contacts,
    context,
    credit_notes,
    invoices,
    items,
    payments,
    purchase_orders,
)
from sandbox.xero.accounting.batch import Invalid, Mode
from sandbox.xero.accounting.dates import stamp, today
from sandbox.xero.accounting.models import (
    XeroAccount,
    XeroContact,
    XeroCreditNote,
    XeroInvoice,
    XeroItem,
    XeroPayment,
    XeroPurchaseOrder,
)
from sandbox.xero.accounting.responses import Json
from sandbox.xero.models import XeroFault, XeroOrganisation
from sandbox.xero.webhooks import events as webhook_events

TenantId = uuid.UUID | str
T = TypeVar("T")


class Refused(ValueError):
    """Xero refused the change; `messages` are its ValidationErrors."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages))
        self.messages = messages


# --- reading ---------------------------------------------------------------------------


def organisation(tenant_id: TenantId) -> XeroOrganisation:
    return XeroOrganisation.objects.get(tenant_id=uuid.UUID(str(tenant_id)))


def invoices_of(tenant_id: TenantId) -> list[XeroInvoice]:
    """Every invoice of the organisation, oldest first, deleted and voided ones included."""
    rows = XeroInvoice.objects.filter(organisation=organisation(tenant_id))
    return list(rows.select_related("contact").prefetch_related("lines").order_by("pk"))


def invoice(tenant_id: TenantId, ref: TenantId) -> XeroInvoice:
    """One invoice by InvoiceID, InvoiceNumber or Reference (the first live one)."""
    rows = XeroInvoice.objects.filter(organisation=organisation(tenant_id))
    try:
        found = rows.filter(invoice_id=uuid.UUID(str(ref))).first()
    except ValueError:
        live = rows.exclude(status__in=["DELETED", "VOIDED"]).order_by("-pk")
        found = live.filter(invoice_number=ref).first() or live.filter(reference=ref).first()
    if found is None:
        raise XeroInvoice.DoesNotExist(f"No invoice {ref} in {tenant_id}")
    return found


def invoice_json(tenant_id: TenantId, ref: TenantId) -> Json:
    """The invoice exactly as GET /Invoices/{InvoiceID} returns it."""
    found = invoice(tenant_id, ref)
    return invoices.render(found, list(found.lines.all()))


def contacts_of(tenant_id: TenantId) -> list[XeroContact]:
    return list(XeroContact.objects.filter(organisation=organisation(tenant_id)).order_by("pk"))


def items_of(tenant_id: TenantId) -> list[XeroItem]:
    return list(XeroItem.objects.filter(organisation=organisation(tenant_id)).order_by("code"))


def payments_of(tenant_id: TenantId) -> list[XeroPayment]:
    rows = XeroPayment.objects.filter(organisation=organisation(tenant_id))
    return list(rows.select_related("invoice", "account").order_by("pk"))


def credit_notes_of(tenant_id: TenantId) -> list[XeroCreditNote]:
    rows = XeroCreditNote.objects.filter(organisation=organisation(tenant_id))
    return list(rows.order_by("pk"))


# --- acting as the bookkeeper ------------------------------------------------------------


def record_payment(
    tenant_id: TenantId,
    invoice_id: TenantId,
    amount: Decimal | float | str,
    account_code: str = "090",
    *,
    on: date | None = None,
    reference: str = "",
) -> XeroPayment:
    """A full or partial payment against an AUTHORISED invoice, into `account_code`."""
    target = invoice(tenant_id, invoice_id)
    element: dict[str, Any] = {
        "Invoice": {"InvoiceID": str(target.invoice_id)},
        "Account": {"Code": account_code},
        "Amount": str(amount),
        "Reference": reference,
    }
    if on is not None:
        element["Date"] = on.isoformat()
    written = _act(tenant_id, lambda books: payments.write(books, element, Mode.CREATE, None))
    return XeroPayment.objects.get(payment_id=written["PaymentID"])


def edit_invoice(
    tenant_id: TenantId,
    invoice_id: TenantId,
    *,
    reference: str | None = None,
    description: str | None = None,
    unit_amount: Decimal | float | str | None = None,
    quantity: Decimal | float | str | None = None,
    line: int = 0,
    due_date: date | None = None,
    lines: dict[int, dict[str, Any]] | None = None,
) -> XeroInvoice:
    """Change the reference, the due date, or a line (0-based `line`) of an invoice.

    `lines` changes several at once, e.g. {0: {"Description": "...", "UnitAmount": "90"}}.
    """
    target = invoice(tenant_id, invoice_id)
    element: dict[str, Any] = {"InvoiceID": str(target.invoice_id)}
    if reference is not None:
        element["Reference"] = reference
    if due_date is not None:
        element["DueDate"] = due_date.isoformat()
    wanted = {"Description": description, "UnitAmount": unit_amount, "Quantity": quantity}
    changes = dict(lines or {})
    one = {key: _wire(value) for key, value in wanted.items() if value is not None}
    if one:
        changes[line] = changes.get(line, {}) | one
    if changes:
        element["LineItems"] = _lines_with(target, changes)
    return _save_invoice(tenant_id, element)


def create_invoice(tenant_id: TenantId, element: dict[str, Any]) -> XeroInvoice:
    """An invoice typed into Xero by a person: `element` is shaped like the API's Invoice."""
    written = _act(tenant_id, lambda books: invoices.write(books, element, Mode.CREATE, None))
    return XeroInvoice.objects.get(invoice_id=written["InvoiceID"])


def add_manual_invoice(
    tenant_id: TenantId,
    contact_id: TenantId,
    description: str,
    amount: Decimal,
    *,
    due_date: date | None = None,
) -> XeroInvoice:
    """An approved sales invoice a bookkeeper types into Xero for an existing contact:
    one line on the organisation's first sales account, with that account's tax rate."""
    account = (
        XeroAccount.objects.filter(
            organisation=organisation(tenant_id),
            type__in=("REVENUE", "SALES"),
            status=XeroAccount.Status.ACTIVE,
        )
        .order_by("code", "pk")
        .first()
    )
    if account is None:
        raise LookupError("The organisation has no sales account to invoice to: add one first.")
    issued = today()
    element = {
        "Type": "ACCREC",
        "Contact": {"ContactID": str(contact_id)},
        "Date": issued.isoformat(),
        "DueDate": (due_date or issued).isoformat(),
        "Status": "AUTHORISED",
        "LineAmountTypes": "Exclusive",
        "LineItems": [
            {
                "Description": description,
                "Quantity": 1,
                "UnitAmount": str(amount),
                "AccountCode": account.code,
                "TaxType": account.tax_type,
            }
        ],
    }
    return create_invoice(tenant_id, element)


def authorise_invoice(tenant_id: TenantId, invoice_id: TenantId) -> XeroInvoice:
    return _set_status(tenant_id, invoice_id, "AUTHORISED")


def void_invoice(tenant_id: TenantId, invoice_id: TenantId) -> XeroInvoice:
    return _set_status(tenant_id, invoice_id, "VOIDED")


def delete_draft(tenant_id: TenantId, invoice_id: TenantId) -> XeroInvoice:
    """Delete a DRAFT or SUBMITTED invoice (it stays listed with Status DELETED)."""
    return _set_status(tenant_id, invoice_id, "DELETED")


def credit_note(tenant_id: TenantId, note_id: TenantId) -> XeroCreditNote:
    """One credit note of the organisation by its CreditNoteID."""
    return XeroCreditNote.objects.get(
        organisation=organisation(tenant_id), credit_note_id=uuid.UUID(str(note_id))
    )


def set_credit_note_status(tenant_id: TenantId, note_id: TenantId, status: str) -> XeroCreditNote:
    """Delete a draft credit note (DELETED) or void an approved one (VOIDED), as a
    bookkeeper does in Xero: through the same status rules as the API's POST."""
    target = credit_note(tenant_id, note_id)
    element = {"CreditNoteID": str(target.credit_note_id), "Status": status}
    _act(tenant_id, lambda books: credit_notes.write(books, element, Mode.UPSERT, None))
    target.refresh_from_db()
    return target


def delete_payment(tenant_id: TenantId, payment_id: TenantId) -> XeroPayment:
    books = _books(tenant_id)
    with transaction.atomic():
        XeroOrganisation.objects.select_for_update().filter(pk=books.organisation.pk).first()
        books.now = stamp()
        response = payments.delete(books, {"Status": "DELETED"}, str(payment_id))
        webhook_events.record(books)
    if response.status_code != 200:
        raise Refused([f"Payment {payment_id} could not be deleted ({response.status_code})."])
    return XeroPayment.objects.get(payment_id=uuid.UUID(str(payment_id)))


def create_contact(
    tenant_id: TenantId, name: str, *, email: str = "", contact_number: str = ""
) -> XeroContact:
    element = {"Name": name, "EmailAddress": email, "ContactNumber": contact_number}
    written = _act(tenant_id, lambda books: contacts.write(books, element, Mode.CREATE, None))
    return XeroContact.objects.get(contact_id=written["ContactID"])


def edit_contact(tenant_id: TenantId, contact_id: TenantId, **fields: str) -> XeroContact:
    """Change a contact as a bookkeeper would, e.g. ``EmailAddress="new@example.test"``."""
    element = {"ContactID": str(contact_id), **fields}
    _act(tenant_id, lambda books: contacts.write(books, element, Mode.UPSERT, None))
    return XeroContact.objects.get(contact_id=uuid.UUID(str(contact_id)))


def create_item(
    tenant_id: TenantId, code: str, name: str, unit_price: Decimal | float | str = "0"
) -> XeroItem:
    element = {"Code": code, "Name": name, "SalesDetails": {"UnitPrice": str(unit_price)}}
    written = _act(tenant_id, lambda books: items.write(books, element, Mode.CREATE, None))
    return XeroItem.objects.get(item_id=written["ItemID"])


def archive_contact(tenant_id: TenantId, contact_id: TenantId) -> XeroContact:
    element = {"ContactID": str(contact_id), "ContactStatus": "ARCHIVED"}
    _act(tenant_id, lambda books: contacts.write(books, element, Mode.UPSERT, None))
    return XeroContact.objects.get(contact_id=uuid.UUID(str(contact_id)))


def set_fail_ratio(
    ratio: float,
    seed: int | None = None,
    *,
    delay_seconds: float = 0.0,
    minutes: float | None = None,
) -> XeroFault:
    """`ratio` of API calls fail (500s, 429s, writes whose answer is lost); 0 ends it."""
    return faults.flaky_api(ratio, seed, delay_seconds=delay_seconds, minutes=minutes)


# --- plumbing ----------------------------------------------------------------------------


def _lines_with(target: XeroInvoice, changes: dict[int, dict[str, Any]]) -> list[Json]:
    current = list(target.lines.all())
    sent: list[Json] = [{"LineItemID": str(row.line_item_id)} for row in current]
    for index, change in changes.items():
        if not 0 <= index < len(current):
            raise Refused([f"Invoice {target} has no line {index + 1}."])
        sent[index] |= {key: _wire(value) for key, value in change.items()}
    return sent


def _wire(value: Any) -> Any:
    """Amounts as strings, so Decimals reach the API's reader unchanged."""
    return str(value) if isinstance(value, Decimal | float | int) else value


def _set_status(tenant_id: TenantId, invoice_id: TenantId, status: str) -> XeroInvoice:
    target = invoice(tenant_id, invoice_id)
    return _save_invoice(tenant_id, {"InvoiceID": str(target.invoice_id), "Status": status})


def _save_invoice(tenant_id: TenantId, element: dict[str, Any]) -> XeroInvoice:
    written = _act(tenant_id, lambda books: invoices.write(books, element, Mode.UPSERT, None))
    return XeroInvoice.objects.get(invoice_id=written["InvoiceID"])


def _books(tenant_id: TenantId) -> context.Books:
    # Unit amounts keep four decimals: a person editing one line must not round the others.
    return context.Books(organisation(tenant_id), client_id="", unitdp=4)


def _act(tenant_id: TenantId, change: Callable[[context.Books], T]) -> T:
    books = _books(tenant_id)
    with transaction.atomic():
        XeroOrganisation.objects.select_for_update().filter(pk=books.organisation.pk).first()
        books.now = stamp()  # after the lock, as the API does
        chart.ensure(books.organisation)
        try:
            with transaction.atomic():
                changed = change(books)
        except Invalid as invalid:
            raise Refused(invalid.errors) from invalid
        webhook_events.record(books)  # subscribed apps hear of the change once it commits
        return changed


# --- Purchase orders -------------------------------------------------------------------


def purchase_orders_of(tenant_id: TenantId) -> list[XeroPurchaseOrder]:
    """The organisation's purchase orders, newest change first (deleted ones too)."""
    rows = XeroPurchaseOrder.objects.filter(organisation=organisation(tenant_id))
    return list(rows.select_related("contact").order_by("-updated_at", "-pk"))


def delete_purchase_order(tenant_id: TenantId, order_id: TenantId) -> XeroPurchaseOrder:
    """The bookkeeper deletes a purchase order in Xero (any but a billed one), through
    the same status rules as the API's POST; it stays listed with Status DELETED."""
    target = XeroPurchaseOrder.objects.get(
        organisation=organisation(tenant_id), purchase_order_id=uuid.UUID(str(order_id))
    )
    element = {"PurchaseOrderID": str(target.purchase_order_id), "Status": "DELETED"}
    _act(tenant_id, lambda books: purchase_orders.write(books, element, Mode.UPSERT, None))
    target.refresh_from_db()
    return target
