"""The Sage sandbox console: what Sage holds, and buttons for what Sage's side can do.

Open to anyone, like the rest of the sandbox; it shows only sandbox rows, never
Patchbay's. Bookkeeper actions go through sandbox.sage.books, so they obey the API's
rules and move `updated_at` as Sage would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from sandbox.core.params import chosen_id, search_text
from sandbox.sage import books, controls, faults
from sandbox.sage.console_forms import ContactForm, FaultForm, InvoiceForm, PaymentForm
from sandbox.sage.identity import revoke_grant, server
from sandbox.sage.models import (
    SageApiCall,
    SageBusiness,
    SageContact,
    SageContactPayment,
    SageFault,
    SageGrant,
    SageRefreshPresentation,
    SageSalesInvoice,
    SageToken,
    SageUser,
    Status,
)
from sandbox.sage.seed import DEMO_HIRE_UK, ensure_demo_world

RECENT = 50


class ActionFailed(Exception):
    pass


@require_http_methods(["GET", "POST"])
def console(request: HttpRequest) -> HttpResponse:
    ensure_demo_world()
    if request.method == "GET":
        return _page(request, FaultForm())
    if request.POST.get("action") == "fault":
        return _set_fault(request)
    action = ACTIONS.get(request.POST.get("action", ""))
    try:
        if action is None:
            raise ActionFailed("Unknown action: nothing was changed.")
        messages.success(request, action(request))
    except ActionFailed as failure:
        messages.error(request, str(failure))
    except books.Refused as refusal:
        messages.error(request, f"Sage refused: {refusal}")
    return _back(request)


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the console, on the business and invoice the person was working on."""
    kept = {name: request.POST.get(name, "") for name in ("business", "invoice")}
    kept = {name: value for name, value in kept.items() if value}
    url = reverse("sandbox:sage:console")
    return HttpResponseRedirect(url + ("?" + urlencode(kept) + "#books-heading" if kept else ""))


def _set_fault(request: HttpRequest) -> HttpResponse:
    form = FaultForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    fault = form.apply()
    ends = f" until {fault.until:%Y-%m-%d %H:%M:%S} UTC" if fault.until else " until cleared"
    verb = "is back to normal" if fault.mode == SageFault.Mode.OK else "now fails"
    messages.success(
        request, f"{fault.get_target_display()} {verb}: {fault.get_mode_display()}{ends}."
    )
    return _back(request)


# --- reading ------------------------------------------------------------------------------


def chosen_business(request: HttpRequest) -> SageBusiness | None:
    wanted = chosen_id(request, "business", DEMO_HIRE_UK)
    rows = SageBusiness.objects.all()
    return rows.filter(guid=wanted).first() or rows.first()


def _books_context(request: HttpRequest) -> dict[str, Any]:
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
        "contacts": SageContact.objects.filter(business=business).order_by("-updated_at")[:RECENT],
        "payments": SageContactPayment.objects.filter(business=business)
        .select_related("contact", "bank_account")
        .order_by("-updated_at", "-pk")[:RECENT],
    }


def _payment_form(business: SageBusiness, invoice: SageSalesInvoice) -> PaymentForm:
    initial = {"amount": invoice.outstanding_amount, "paid_on": invoice.date}
    return PaymentForm(business=business, initial=initial)


def _page(request: HttpRequest, fault_form: FaultForm, status: int = 200) -> HttpResponse:
    context = {
        "fault_form": fault_form,
        "faults": [
            (target.label, faults.active_fault(target.value)) for target in SageFault.Target
        ],
        "businesses": SageBusiness.objects.all(),
        "users": SageUser.objects.prefetch_related("businesses").select_related("lead_business"),
        "grants": SageGrant.objects.select_related("user"),
        "tokens": SageToken.objects.select_related("grant__user")[:RECENT],
        "presentations": SageRefreshPresentation.objects.order_by("-at", "-pk")[:RECENT],
        "api_calls": SageApiCall.objects.order_by("-at", "-pk")[:RECENT],
        **_books_context(request),
    }
    return server.page(request, "sandbox/sage/console.html", context, status=status)


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
    if not form.is_valid():
        raise ActionFailed(f"Check the invoice fields: {form.errors.as_text()}")
    data = form.cleaned_data
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
    form = PaymentForm(request.POST, business=invoice.business)
    if not form.is_valid():
        raise ActionFailed(f"Check the payment fields: {form.errors.as_text()}")
    data = form.cleaned_data
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
    form = ContactForm(request.POST)
    if not form.is_valid():
        raise ActionFailed(f"Check the contact fields: {form.errors.as_text()}")
    data = form.cleaned_data
    contact = books.create_contact(
        business.guid, data["name"], reference=data["reference"], email=data["email"]
    )
    return f"Contact {contact} created in {business.name}."


def _clear_faults(request: HttpRequest) -> str:
    faults.clear_faults()
    return "All faults cleared: every endpoint answers normally."


def _subscription(active: bool) -> Callable[[HttpRequest], str]:
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


def _grant(request: HttpRequest) -> SageGrant:
    grant = (
        SageGrant.objects.select_related("user").filter(pk=request.POST.get("grant") or 0).first()
    )
    if grant is None:
        raise ActionFailed("That grant no longer exists: nothing was changed.")
    return grant


def _expire_refresh(request: HttpRequest) -> str:
    grant = _grant(request)
    count = controls.expire_refresh_tokens(grant)
    return f"{count} refresh token(s) of {grant} lapsed: the next refresh gets invalid_grant."


def _revoke(request: HttpRequest) -> str:
    grant = _grant(request)
    revoke_grant(grant)
    return f"{grant}: app access removed; refresh gets invalid_grant, access tokens run out."


ACTIONS: dict[str, Callable[[HttpRequest], str]] = {
    "invoice-save": save_invoice,
    "invoice-release": release_invoice,
    "invoice-delete": delete_invoice,
    "invoice-reconcile": reconcile_vat,
    "payment-record": record_payment,
    "contact-create": create_contact,
    "clear-faults": _clear_faults,
    "subscription-cancel": _subscription(False),
    "subscription-restore": _subscription(True),
    "lead-business": _lead,
    "expire-refresh": _expire_refresh,
    "revoke": _revoke,
}
