"""Small builders for test data. Every builder takes the organisation explicitly."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from operations import services
from operations.models import (
    Booking,
    CreditNote,
    CreditNoteLine,
    CrewAssignment,
    Customer,
    EquipmentCategory,
    EquipmentItem,
    ExpenseCategory,
    IncomeCategory,
    Invoice,
    InvoiceLine,
    Project,
    Quote,
    QuoteLine,
    TaxCategory,
)
from tenancy.models import Membership, Organisation, User
from tenancy.roles import Role

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)


def make_organisation(name: str) -> Organisation:
    slug = f"{name.lower().replace(' ', '-')}-{next(_seq)}"
    return Organisation.objects.create(name=name, slug=slug)


def make_user(email: str, organisation: Organisation | None = None, role: str = Role.OWNER) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, full_name=email.split("@")[0])
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def make_customer(organisation: Organisation, name: str = "Acme Events", **extra: Any) -> Customer:
    extra.setdefault("email", f"accounts{next(_seq)}@example.test")
    return Customer.objects.create(organisation=organisation, name=name, **extra)


def make_tax(organisation: Organisation, name: str = "Standard 20%") -> TaxCategory:
    return TaxCategory.objects.create(organisation=organisation, name=name, rate=Decimal("20"))


def make_income(organisation: Organisation, name: str = "Equipment hire") -> IncomeCategory:
    return IncomeCategory.objects.create(organisation=organisation, name=name)


def make_item(organisation: Organisation, name: str = "Moving head") -> EquipmentItem:
    category = EquipmentCategory.objects.create(organisation=organisation, name=f"{name} category")
    return EquipmentItem.objects.create(
        organisation=organisation,
        category=category,
        name=name,
        stock_quantity=4,
        daily_rate=Decimal("45.00"),
    )


def make_project(
    organisation: Organisation, customer: Customer, name: str = "Summer gala"
) -> Project:
    start = timezone.now() + timedelta(days=7)
    return Project.objects.create(
        organisation=organisation,
        client=customer,
        name=name,
        venue="Town hall",
        starts_at=start,
        ends_at=start + timedelta(days=2),
    )


def make_invoice(
    organisation: Organisation,
    customer: Customer | None = None,
    *,
    lines: int = 1,
    unit_price: Decimal = Decimal("100.00"),
    status: str = Invoice.Status.DRAFT,
    number: str = "",
) -> Invoice:
    customer = customer or make_customer(organisation)
    tax = _first_tax(organisation)
    income = _first_income(organisation)
    invoice = Invoice.objects.create(
        organisation=organisation,
        customer=customer,
        currency=customer.currency,
        status=status,
        number=number,
        due_date=date.today() + timedelta(days=30),
    )
    for index in range(lines):
        InvoiceLine.objects.create(
            organisation=organisation,
            invoice=invoice,
            description=f"Hire line {index + 1}",
            quantity=Decimal("1"),
            unit_price=unit_price,
            tax_category=tax,
            income_category=income,
        )
    total = sum((line.net_amount + line.tax_amount for line in invoice.lines.all()), Decimal("0"))
    invoice.total = total
    invoice.amount_due = total
    invoice.save(update_fields=["total", "amount_due"])
    return invoice


def _first_tax(organisation: Organisation) -> TaxCategory:
    return TaxCategory.objects.filter(organisation=organisation).first() or make_tax(organisation)


def _first_income(organisation: Organisation) -> IncomeCategory:
    found = IncomeCategory.objects.filter(organisation=organisation).first()
    return found or make_income(organisation)


def line(
    organisation: Organisation, unit_price: str = "100.00", quantity: str = "1"
) -> services.LineInput:
    """A line for the services, taxed at the organisation's first tax category (20%)."""
    return services.LineInput(
        description="Hire",
        quantity=Decimal(quantity),
        unit_price=Decimal(unit_price),
        tax_category=_first_tax(organisation),
        income_category=_first_income(organisation),
    )


def make_issued_invoice(
    organisation: Organisation,
    customer: Customer | None = None,
    *,
    unit_price: str = "100.00",
) -> Invoice:
    """An invoice issued through the service, so it has its real number and amount due."""
    customer = customer or make_customer(organisation)
    draft = services.create_draft_invoice(customer, [line(organisation, unit_price)])
    return services.issue_invoice(draft)


def make_quote(
    organisation: Organisation, customer: Customer | None = None, *, unit_price: str = "100.00"
) -> Quote:
    """A draft quote with one line, made through the service."""
    customer = customer or make_customer(organisation)
    return services.create_quote(customer, [line(organisation, unit_price)])


def make_issued_credit_note(
    organisation: Organisation, invoice: Invoice, *, unit_price: str = "20.00"
) -> CreditNote:
    draft = services.create_credit_note(
        invoice.customer, [line(organisation, unit_price)], invoice=invoice
    )
    return services.issue_credit_note(draft)


def make_superuser(email: str = "staff@patchbay.test") -> User:
    return User.objects.create_superuser(email=email, password=PASSWORD, full_name="Platform staff")


def make_every_record(organisation: Organisation, marker: str, crew: User) -> dict[str, Any]:
    """One row of every operations model, each carrying ``marker`` in a visible field."""
    customer = make_customer(organisation, name=f"{marker} Customer", tax_number=f"{marker}-VAT")
    tax = make_tax(organisation, name=f"{marker} VAT")
    income = make_income(organisation, name=f"{marker} Hire income")
    expense = ExpenseCategory.objects.create(organisation=organisation, name=f"{marker} Transport")
    item = make_item(organisation, name=f"{marker} Console")
    project = make_project(organisation, customer, name=f"{marker} Festival")
    now = timezone.now()
    assignment = CrewAssignment.objects.create(
        organisation=organisation,
        project=project,
        user=crew,
        role=f"{marker} Rigger",
        starts_at=now,
        ends_at=now + timedelta(hours=8),
    )
    booking = Booking.objects.create(
        organisation=organisation,
        item=item,
        project=project,
        quantity=1,
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=1),
    )
    quote = Quote.objects.create(
        organisation=organisation, number=f"{marker}-Q1", customer=customer, project=project
    )
    QuoteLine.objects.create(
        organisation=organisation,
        quote=quote,
        description=f"{marker} quote line",
        unit_price=Decimal("50"),
        tax_category=tax,
        income_category=income,
    )
    draft = make_invoice(organisation, customer)
    issued = make_issued_invoice(organisation, customer)
    # Invoices are numbered by the service: their lines carry the marker instead.
    InvoiceLine.objects.filter(invoice__in=[draft, issued]).update(
        description=f"{marker} hire line"
    )
    payment = services.record_payment(
        issued, Decimal("10.00"), date.today(), reference=f"{marker}-PAY"
    )
    credit = CreditNote.objects.create(
        organisation=organisation, number=f"{marker}-CN1", customer=customer, invoice=issued
    )
    CreditNoteLine.objects.create(
        organisation=organisation,
        credit_note=credit,
        description=f"{marker} credit",
        unit_price=Decimal("5"),
        tax_category=tax,
        income_category=income,
    )
    return {
        "customer": customer,
        "tax": tax,
        "income": income,
        "expense": expense,
        "item": item,
        "category": item.category,
        "project": project,
        "assignment": assignment,
        "booking": booking,
        "quote": quote,
        "draft_invoice": draft,
        "invoice": issued,
        "payment": payment,
        "credit_note": credit,
    }


def at(days: int) -> datetime:
    return timezone.now() + timedelta(days=days)
