"""The console's bookkeeper: a company's invoices, payments and customers, and the changes
a person makes inside QuickBooks. Every action goes through sandbox.quickbooks.books."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import HttpRequest

from sandbox.core.params import chosen_id, search_text
from sandbox.quickbooks import books
from sandbox.quickbooks.console_forms import CustomerForm, InvoiceForm, PaymentForm
from sandbox.quickbooks.models import QboCompany, QboEntity
from sandbox.quickbooks.seed import US_REALM

SHOWN = 50


class BookkeeperError(Exception):
    pass


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
        "books_customers": sorted(books.customers_of(company.realm_id), key=lambda r: -r.seq)[
            :SHOWN
        ],
        "books_payments": sorted(books.payments_of(company.realm_id), key=lambda r: -r.seq)[:SHOWN],
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
        raise BookkeeperError("No company to work in: nothing was changed.")
    return company


def _invoice(request: HttpRequest) -> QboEntity:
    company = _company(request)
    try:
        return books.invoice(company.realm_id, request.POST.get("invoice", ""))
    except QboEntity.DoesNotExist as missing:
        raise BookkeeperError("That invoice no longer exists: nothing was changed.") from missing


def _refused(action: Callable[[], str]) -> str:
    try:
        return action()
    except books.Refused as refusal:
        raise BookkeeperError(f"QuickBooks refused: {refusal}") from refusal


def save_invoice(request: HttpRequest) -> str:
    invoice = _invoice(request)
    form = InvoiceForm(request.POST, invoice=invoice)
    if not form.is_valid():
        raise BookkeeperError(f"Check the invoice fields: {form.errors.as_text()}")
    data = form.cleaned_data

    def edit() -> str:
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

    return _refused(edit)


def record_payment(request: HttpRequest) -> str:
    invoice = _invoice(request)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        raise BookkeeperError(f"Check the payment fields: {form.errors.as_text()}")
    data = form.cleaned_data

    def pay() -> str:
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

    return _refused(pay)


def delete_invoice(request: HttpRequest) -> str:
    invoice = _invoice(request)

    def delete() -> str:
        books.delete_invoice(invoice.company.realm_id, invoice.entity_id)
        return f"Invoice {invoice.data.get('DocNumber')} deleted."

    return _refused(delete)


def void_invoice(request: HttpRequest) -> str:
    invoice = _invoice(request)

    def void() -> str:
        books.void_invoice(invoice.company.realm_id, invoice.entity_id)
        return f"Invoice {invoice.data.get('DocNumber')} voided."

    return _refused(void)


def create_customer(request: HttpRequest) -> str:
    company = _company(request)
    form = CustomerForm(request.POST)
    if not form.is_valid():
        raise BookkeeperError(f"Check the customer fields: {form.errors.as_text()}")
    data = form.cleaned_data

    def add() -> str:
        customer = books.create_customer(
            company.realm_id, data["display_name"], email=data["email"]
        )
        name = customer.data["DisplayName"]
        return f"Customer {name} (Id {customer.entity_id}) created in {company.name}."

    return _refused(add)


def toggle_multicurrency(request: HttpRequest) -> str:
    company = _company(request)
    enabled = request.POST.get("enabled") == "1"
    books.set_multicurrency(company.realm_id, enabled)
    return f"Multicurrency {'on' if enabled else 'off'} for {company.name}."


ACTIONS: dict[str, Callable[[HttpRequest], str]] = {
    "invoice-save": save_invoice,
    "invoice-delete": delete_invoice,
    "invoice-void": void_invoice,
    "payment-record": record_payment,
    "customer-create": create_customer,
    "multicurrency": toggle_multicurrency,
}
