"""The console's bookkeeper: a business's sales invoices, payments and contacts, and the
changes a person makes to them inside Sage. Each action goes through sandbox.sage.books,
so it obeys the API's rules and moves `updated_at` as Sage would (what it refuses, the
console reports)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.http import HttpRequest

from sandbox.core.console import RECENT, Action, ActionFailed, checked
from sandbox.core.params import chosen_id, search_text
from sandbox.sage import books, controls
from sandbox.sage.console_forms import ContactForm, InvoiceForm, ManualInvoiceForm, PaymentForm
from sandbox.sage.models import (
    SageBusiness,
    SageContact,
    SageContactPayment,
    SageSalesInvoice,
    SageUser,
    Status,
)
from sandbox.sage.seed import DEMO_HIRE_UK


def chosen_business(request: HttpRequest) -> SageBusiness | None:
    wanted = chosen_id(request, "business", DEMO_HIRE_UK)
    rows = SageBusiness.objects.all()
    return rows.filter(guid=wanted).first() or rows.first()


def context(request: HttpRequest) -> dict[str, Any]:
    business = chosen_business(request)
    if business is None:
        return {"business": None}
    search = search_text(request)
    found = SageSalesInvoice.objects.filter(business=business).select_related("contact")
    if search:
        found = found.filter(Q(number__iexact=search) | Q(reference__icontains=search))
    selected = (
        SageSalesInvoice.objects.filter(business=business, guid=chosen_id(request, "invoice"))
        .prefetch_related("lines", "allocated__payment")
        .first()
    )
    payable = selected is not None and selected.status in (Status.UNPAID, Status.PART_PAID)
    return {
        "business": business,
        "search": search,
        "invoices": found.order_by("-updated_at", "-pk")[:RECENT],
        "invoice_count": found.count(),
        "selected": selected,
        "invoice_form": InvoiceForm(invoice=selected) if selected and selected.editable else None,
        "payment_form": _payment_form(business, selected) if payable and selected else None,
        "contact_form": ContactForm(),
        "manual_invoice_form": ManualInvoiceForm(business=business),
        "contacts": SageContact.objects.filter(business=business).order_by("-updated_at")[:RECENT],
        "payments": SageContactPayment.objects.filter(business=business)
        .select_related("contact", "bank_account")
        .order_by("-updated_at", "-pk")[:RECENT],
    }


def _payment_form(business: SageBusiness, invoice: SageSalesInvoice) -> PaymentForm:
    initial = {"amount": invoice.outstanding_amount, "paid_on": invoice.date}
    return PaymentForm(business=business, initial=initial)


# --- actions ------------------------------------------------------------------------------


def _business(request: HttpRequest) -> SageBusiness:
    business = chosen_business(request)
    if business is None:
        raise ActionFailed("No business to work in: nothing was changed.")
    return business


def _invoice(request: HttpRequest) -> SageSalesInvoice:
    business = _business(request)
    try:
        return books.invoice(business.guid, request.POST.get("invoice", ""))
    except SageSalesInvoice.DoesNotExist as missing:
        raise ActionFailed("That invoice no longer exists: nothing was changed.") from missing


def save_invoice(request: HttpRequest) -> str:
    invoice = _invoice(request)
    form = InvoiceForm(request.POST, invoice=invoice)
    data = checked(form, "invoice")
    changed = books.edit_invoice(
        invoice.business.guid,
        invoice.guid,
        reference=data["reference"],
        notes=data["notes"],
        due_date=data["due_date"],
        lines=form.line_changes(),
    )
    return (
        f"{changed} saved: total {changed.total_amount}, outstanding {changed.outstanding_amount}."
    )


def record_payment(request: HttpRequest) -> str:
    invoice = _invoice(request)
    data = checked(PaymentForm(request.POST, business=invoice.business), "payment")
    payment = books.record_payment(
        invoice.business.guid,
        invoice.guid,
        data["amount"],
        bank_account=data["bank_account"],
        on=data["paid_on"],
        reference=data["reference"],
    )
    invoice.refresh_from_db()
    return (
        f"Payment of {payment.total_amount} recorded against {invoice}: "
        f"{invoice.get_status_display()}, outstanding {invoice.outstanding_amount}."
    )


def delete_invoice(request: HttpRequest) -> str:
    invoice = _invoice(request)
    reason = request.POST.get("void_reason", "").strip() or "Voided in Sage"
    changed = books.delete_invoice(invoice.business.guid, invoice.guid, reason)
    return f"{changed} {'deleted' if changed.deleted_at else 'voided'}."


def release_invoice(request: HttpRequest) -> str:
    invoice = _invoice(request)
    return f"{books.release_invoice(invoice.business.guid, invoice.guid)} released."


def reconcile_vat(request: HttpRequest) -> str:
    invoice = _invoice(request)
    books.reconcile_vat(invoice.business.guid, invoice.guid)
    return f"{invoice} is VAT reconciled: it can no longer be edited."


def create_contact(request: HttpRequest) -> str:
    business = _business(request)
    data = checked(ContactForm(request.POST), "contact")
    contact = books.create_contact(
        business.guid, data["name"], reference=data["reference"], email=data["email"]
    )
    return f"Contact {contact} created in {business.name}."


def _subscription(active: bool) -> Action:
    def act(request: HttpRequest) -> str:
        business = controls.set_subscription(_business(request).guid, active)
        if active:
            return f"{business.name}'s subscription is active again."
        return f"{business.name}'s subscription is cancelled: its API calls get 401 (MSE)."

    return act


def _lead(request: HttpRequest) -> str:
    user = SageUser.objects.filter(pk=request.POST.get("user") or 0).first()
    business = _business(request)
    if user is None or not user.businesses.filter(pk=business.pk).exists():
        raise ActionFailed("That user has no such business: nothing was changed.")
    controls.set_lead_business(user.email, business.guid)
    return f"{business.name} is now {user.email}'s lead business."


def add_manual_invoice(request: HttpRequest) -> str:
    """A bookkeeper's own invoice for an existing customer, made in Sage."""
    business = _business(request)
    data = checked(ManualInvoiceForm(request.POST, business=business), "manual invoice")
    try:
        invoice = books.add_manual_invoice(
            business.guid,
            data["contact"],
            data["description"],
            data["amount"],
            due_date=data["due_date"],
        )
    except LookupError as missing:
        raise ActionFailed(f"{missing} Nothing was changed.") from missing
    return (
        f"Invoice {invoice.number} of {invoice.total_amount} added for {invoice.contact} "
        f"in {business.name}."
    )


ACTIONS: dict[str, Callable[[HttpRequest], str]] = {
    "invoice-save": save_invoice,
    "invoice-release": release_invoice,
    "invoice-delete": delete_invoice,
    "invoice-reconcile": reconcile_vat,
    "payment-record": record_payment,
    "contact-create": create_contact,
    "invoice-add": add_manual_invoice,
    "subscription-cancel": _subscription(False),
    "subscription-restore": _subscription(True),
    "lead-business": _lead,
}
