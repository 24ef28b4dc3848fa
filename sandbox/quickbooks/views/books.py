"""The console's bookkeeper: a company's invoices, payments and customers, and the changes
a person makes inside QuickBooks. Every action goes through sandbox.quickbooks.books (what
it refuses, the console reports)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import HttpRequest

from sandbox.core.console import Action, ActionFailed, checked
from sandbox.core.params import chosen_id, search_text
from sandbox.quickbooks import books
from sandbox.quickbooks.console_forms import (
    CustomerForm,
    InvoiceForm,
    ManualInvoiceForm,
    PaymentForm,
)
from sandbox.quickbooks.models import QboCompany, QboEntity
from sandbox.quickbooks.seed import US_REALM

SHOWN = 50


def chosen_company(request: HttpRequest) -> QboCompany | None:
    wanted = chosen_id(request, "realm", US_REALM)
    rows = QboCompany.objects.all()
    return rows.filter(realm_id=wanted).first() or rows.first()


def context(request: HttpRequest) -> dict[str, Any]:
    company = chosen_company(request)
    if company is None:
        return {"books_company": None}
    search = search_text(request)
    invoices = books.invoices_of(company.realm_id)
    if search:
        lowered = search.lower()
        invoices = [
            row
            for row in invoices
            if lowered in str(row.data.get("DocNumber", "")).lower()
            or lowered in str(row.data.get("PrivateNote", "")).lower()
        ]
    invoices.sort(key=lambda row: (row.updated_at, row.seq), reverse=True)
    selected = _selected(request, company)
    return {
        "books_company": company,
        "books_search": search,
        "books_invoices": invoices[:SHOWN],
        "books_invoice_count": len(invoices),
        "books_selected": selected,
        "books_selected_lines": _item_lines(selected),
        "invoice_form": InvoiceForm(invoice=selected) if selected else None,
        "payment_form": _payment_form(selected),
        "customer_form": CustomerForm(),
        "manual_invoice_form": ManualInvoiceForm(customers=books.customers_of(company.realm_id)),
        "books_customers": sorted(books.customers_of(company.realm_id), key=lambda r: -r.seq)[
            :SHOWN
        ],
        "books_payments": sorted(books.payments_of(company.realm_id), key=lambda r: -r.seq)[:SHOWN],
        "books_employees": books.employees_of(company.realm_id)[:SHOWN],
        "books_time": sorted(books.time_activities_of(company.realm_id), key=lambda r: -r.seq)[
            :SHOWN
        ],
    }


def _selected(request: HttpRequest, company: QboCompany) -> QboEntity | None:
    wanted = chosen_id(request, "invoice")
    if not wanted:
        return None
    try:
        return books.invoice(company.realm_id, wanted)
    except QboEntity.DoesNotExist:
        return None


def _item_lines(selected: QboEntity | None) -> list[dict[str, Any]]:
    if selected is None:
        return []
    return [
        line
        for line in selected.data.get("Line", [])
        if line.get("DetailType") != "SubTotalLineDetail"
    ]


def _payment_form(selected: QboEntity | None) -> PaymentForm | None:
    if selected is None or Decimal(str(selected.data.get("Balance", 0))) <= 0:
        return None
    return PaymentForm(initial={"amount": selected.data.get("Balance")})


# --- actions -------------------------------------------------------------------------------


def _company(request: HttpRequest) -> QboCompany:
    company = chosen_company(request)
    if company is None:
        raise ActionFailed("No company to work in: nothing was changed.")
    return company


def _invoice(request: HttpRequest) -> QboEntity:
    company = _company(request)
    try:
        return books.invoice(company.realm_id, request.POST.get("invoice", ""))
    except QboEntity.DoesNotExist as missing:
        raise ActionFailed("That invoice no longer exists: nothing was changed.") from missing


def save_invoice(request: HttpRequest) -> str:
    invoice = _invoice(request)
    form = InvoiceForm(request.POST, invoice=invoice)
    data = checked(form, "invoice")
    changed = books.edit_invoice(
        invoice.company.realm_id,
        invoice.entity_id,
        private_note=data["private_note"],
        due_date=data["due_date"],
        lines=form.line_changes(),
    )
    return (
        f"Invoice {changed.data.get('DocNumber')} saved: total {changed.data['TotalAmt']}, "
        f"balance {changed.data['Balance']}, SyncToken {changed.sync_token}."
    )


def record_payment(request: HttpRequest) -> str:
    invoice = _invoice(request)
    data = checked(PaymentForm(request.POST), "payment")
    payment = books.record_payment(
        invoice.company.realm_id,
        invoice.entity_id,
        data["amount"],
        on=data["paid_on"],
        reference=data["reference"],
    )
    invoice.refresh_from_db()
    return (
        f"Payment {payment.entity_id} of {payment.data['TotalAmt']} recorded against invoice "
        f"{invoice.data.get('DocNumber')}: balance {invoice.data['Balance']}."
    )


def _invoice_action(change: Callable[[str, str], Any], done: str) -> Action:
    def act(request: HttpRequest) -> str:
        invoice = _invoice(request)
        change(invoice.company.realm_id, invoice.entity_id)
        return f"Invoice {invoice.data.get('DocNumber')} {done}."

    return act


def create_customer(request: HttpRequest) -> str:
    company = _company(request)
    data = checked(CustomerForm(request.POST), "customer")
    customer = books.create_customer(company.realm_id, data["display_name"], email=data["email"])
    name = customer.data["DisplayName"]
    return f"Customer {name} (Id {customer.entity_id}) created in {company.name}."


def add_manual_invoice(request: HttpRequest) -> str:
    """A bookkeeper's own invoice for an existing customer, made in QuickBooks."""
    company = _company(request)
    form = ManualInvoiceForm(request.POST, customers=books.customers_of(company.realm_id))
    data = checked(form, "manual invoice")
    try:
        invoice = books.add_manual_invoice(
            company.realm_id,
            data["customer"],
            data["description"],
            data["amount"],
            due_date=data["due_date"],
        )
    except LookupError as missing:
        raise ActionFailed(f"{missing} Nothing was changed.") from missing
    return (
        f"Invoice {invoice.data.get('DocNumber')} (Id {invoice.entity_id}) of "
        f"{invoice.data['TotalAmt']} added for {invoice.data['CustomerRef'].get('name', '')} "
        f"in {company.name}."
    )


def toggle_multicurrency(request: HttpRequest) -> str:
    company = _company(request)
    enabled = request.POST.get("enabled") == "1"
    books.set_multicurrency(company.realm_id, enabled)
    return f"Multicurrency {'on' if enabled else 'off'} for {company.name}."


ACTIONS: dict[str, Action] = {
    "invoice-save": save_invoice,
    "invoice-delete": _invoice_action(books.delete_invoice, "deleted"),
    "invoice-void": _invoice_action(books.void_invoice, "voided"),
    "payment-record": record_payment,
    "customer-create": create_customer,
    "invoice-add": add_manual_invoice,
    "multicurrency": toggle_multicurrency,
}
