"""The console's bookkeeper: an organisation's invoices, payments and contacts, and the
changes a person makes to them inside Xero. Each action goes through sandbox.xero.books,
so it obeys the API's rules and moves UpdatedDateUTC as Xero would (what it refuses, the
console reports).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.http import HttpRequest

from sandbox.core.console import Action, ActionFailed, checked
from sandbox.core.params import chosen_id, search_text
from sandbox.xero import books
from sandbox.xero.accounting.models import XeroContact, XeroCreditNote, XeroInvoice, XeroPayment
from sandbox.xero.books_forms import ContactForm, InvoiceForm, ManualInvoiceForm, PaymentForm
from sandbox.xero.models import XeroOrganisation
from sandbox.xero.seed import DEMO_COMPANY_UK

SHOWN = 50


def chosen_tenant(request: HttpRequest) -> XeroOrganisation | None:
    wanted = chosen_id(request, "tenant", str(DEMO_COMPANY_UK))
    rows = XeroOrganisation.objects.all()
    try:
        return rows.filter(tenant_id=uuid.UUID(wanted)).first() or rows.first()
    except ValueError:
        return rows.first()


def context(request: HttpRequest) -> dict[str, Any]:
    tenant = chosen_tenant(request)
    if tenant is None:
        return {"books_tenant": None}
    search = search_text(request)
    found = XeroInvoice.objects.filter(organisation=tenant).select_related("contact")
    if search:
        found = found.filter(Q(invoice_number__icontains=search) | Q(reference__icontains=search))
    selected = _selected(request, tenant)
    return {
        "books_tenant": tenant,
        "books_search": search,
        "books_invoices": found.order_by("-updated_at", "-pk")[:SHOWN],
        "books_invoice_count": found.count(),
        "books_selected": selected,
        "invoice_form": InvoiceForm(invoice=selected) if selected else None,
        "payment_form": _payment_form(tenant, selected),
        "contact_form": ContactForm(),
        "manual_invoice_form": ManualInvoiceForm(organisation=tenant),
        "books_contacts": XeroContact.objects.filter(organisation=tenant).order_by("-updated_at")[
            :SHOWN
        ],
        "books_credit_notes": XeroCreditNote.objects.filter(organisation=tenant)
        .select_related("contact")
        .order_by("-updated_at", "-pk")[:SHOWN],
        "books_payments": XeroPayment.objects.filter(organisation=tenant)
        .select_related("invoice", "account")
        .order_by("-updated_at", "-pk")[:SHOWN],
    }


def _selected(request: HttpRequest, tenant: XeroOrganisation) -> XeroInvoice | None:
    wanted = request.GET.get("invoice", "")
    try:
        rows = XeroInvoice.objects.filter(organisation=tenant, invoice_id=uuid.UUID(wanted))
    except ValueError:
        return None
    return rows.prefetch_related("lines", "payments__account").first()


def _payment_form(tenant: XeroOrganisation, selected: XeroInvoice | None) -> PaymentForm | None:
    if selected is None or selected.status != "AUTHORISED":
        return None
    return PaymentForm(organisation=tenant, initial={"amount": selected.amount_due})


# --- actions -----------------------------------------------------------------------------


def _tenant(request: HttpRequest) -> XeroOrganisation:
    tenant = chosen_tenant(request)
    if tenant is None:
        raise ActionFailed("No organisation to work in: nothing was changed.")
    return tenant


def _invoice(request: HttpRequest) -> XeroInvoice:
    tenant = _tenant(request)
    try:
        return books.invoice(tenant.tenant_id, request.POST.get("invoice", ""))
    except XeroInvoice.DoesNotExist as missing:
        raise ActionFailed("That invoice no longer exists: nothing was changed.") from missing


def save_invoice(request: HttpRequest) -> str:
    invoice = _invoice(request)
    form = InvoiceForm(request.POST, invoice=invoice)
    data = checked(form, "invoice")
    changed = books.edit_invoice(
        invoice.organisation.tenant_id,
        invoice.invoice_id,
        reference=data["reference"],
        due_date=data["due_date"],
        lines=form.line_changes(),
    )
    return f"{changed} saved: total {changed.total}, amount due {changed.amount_due}."


def _status_action(change: Callable[..., XeroInvoice], done: str) -> Action:
    def act(request: HttpRequest) -> str:
        invoice = _invoice(request)
        return f"{change(invoice.organisation.tenant_id, invoice.invoice_id)} {done}."

    return act


def _credit_note_status(status: str, done: str) -> Action:
    def act(request: HttpRequest) -> str:
        tenant = _tenant(request)
        try:
            note = books.set_credit_note_status(
                tenant.tenant_id, request.POST.get("credit_note", ""), status
            )
        except (XeroCreditNote.DoesNotExist, ValueError) as missing:
            raise ActionFailed(
                "That credit note no longer exists: nothing was changed."
            ) from missing
        return f"Credit note {note} {done}."

    return act


def record_payment(request: HttpRequest) -> str:
    invoice = _invoice(request)
    data = checked(PaymentForm(request.POST, organisation=invoice.organisation), "payment")
    payment = books.record_payment(
        invoice.organisation.tenant_id,
        invoice.invoice_id,
        data["amount"],
        data["account"],
        on=data["paid_on"],
        reference=data["reference"],
    )
    invoice.refresh_from_db()
    return (
        f"Payment of {payment.amount} recorded against {invoice}: "
        f"{invoice.status}, amount due {invoice.amount_due}."
    )


def create_contact(request: HttpRequest) -> str:
    tenant = _tenant(request)
    data = checked(ContactForm(request.POST), "contact")
    contact = books.create_contact(
        tenant.tenant_id, data["name"], email=data["email"], contact_number=data["contact_number"]
    )
    return f"Contact {contact.name} created in {tenant.name}."


def add_manual_invoice(request: HttpRequest) -> str:
    """A bookkeeper's own invoice for an existing contact, made in Xero and approved."""
    tenant = _tenant(request)
    data = checked(ManualInvoiceForm(request.POST, organisation=tenant), "manual invoice")
    try:
        invoice = books.add_manual_invoice(
            tenant.tenant_id,
            data["contact"],
            data["description"],
            data["amount"],
            due_date=data["due_date"],
        )
    except LookupError as missing:
        raise ActionFailed(f"{missing} Nothing was changed.") from missing
    return (
        f"Invoice {invoice.invoice_number} of {invoice.total} added for "
        f"{invoice.contact.name} in {tenant.name} ({invoice.status})."
    )


ACTIONS: dict[str, Action] = {
    "invoice-save": save_invoice,
    "invoice-authorise": _status_action(books.authorise_invoice, "authorised"),
    "invoice-void": _status_action(books.void_invoice, "voided"),
    "invoice-delete": _status_action(books.delete_draft, "deleted"),
    "credit-note-delete": _credit_note_status("DELETED", "deleted"),
    "credit-note-void": _credit_note_status("VOIDED", "voided"),
    "payment-record": record_payment,
    "contact-create": create_contact,
    "invoice-add": add_manual_invoice,
}
