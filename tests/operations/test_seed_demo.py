from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from operations.models import (
    CreditNote,
    CrewAssignment,
    Customer,
    EquipmentCategory,
    EquipmentItem,
    Invoice,
    Project,
    PurchaseOrder,
    Quote,
)
from tenancy.models import Membership, Organisation, User
from tenancy.roles import Role

DEMO_ROLES = {
    "owner@demo.test": Role.OWNER,
    "manager@demo.test": Role.INTEGRATION_MANAGER,
    "books@demo.test": Role.BOOKKEEPER,
    "crew@demo.test": Role.CREW,
}


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db: None) -> Organisation:
    seed()
    return Organisation.objects.get(slug="demo-rentals")


def test_demo_organisation_has_its_settings_and_a_user_per_role(demo: Organisation) -> None:
    assert (demo.name, demo.timezone, demo.currency) == ("Demo Rentals", "Europe/London", "GBP")
    memberships = Membership.objects.filter(organisation=demo).select_related("user")
    assert {m.user.email: m.role for m in memberships} == DEMO_ROLES
    assert all(m.user.full_name for m in memberships)


def test_other_rentals_has_its_own_owner_and_records(demo: Organisation) -> None:
    other = Organisation.objects.get(slug="other-rentals")
    owner = Membership.objects.get(organisation=other)
    assert (owner.user.email, owner.role) == ("outsider@other.test", Role.OWNER)
    assert not Membership.objects.filter(user=owner.user, organisation=demo).exists()
    assert Customer.objects.filter(organisation=other).exists()
    assert Invoice.objects.filter(organisation=other, number="INV-0001").exists()


def test_demo_records_cover_what_the_product_shows(demo: Organisation) -> None:
    customers = Customer.objects.filter(organisation=demo)
    assert customers.filter(is_supplier=False).count() == 8
    assert customers.filter(is_supplier=True).count() == 1  # sub-hire purchase orders
    assert {"EUR", "USD"} <= set(customers.values_list("currency", flat=True))
    assert EquipmentItem.objects.filter(organisation=demo).count() == 12
    visibilities = EquipmentCategory.objects.filter(organisation=demo).values_list("visibility")
    assert {("public",), ("internal",)} <= set(visibilities)
    assert Project.objects.filter(organisation=demo).values("status").distinct().count() >= 4
    crew_emails = CrewAssignment.objects.filter(organisation=demo).values_list("user__email")
    assert {("crew@demo.test",), ("manager@demo.test",)} <= set(crew_emails)
    assert {"draft", "approved"} <= set(Quote.objects.values_list("status", flat=True))
    statuses = set(Invoice.objects.filter(organisation=demo).values_list("status", flat=True))
    assert {"draft", "issued", "partially_paid", "paid"} <= statuses
    assert CreditNote.objects.filter(organisation=demo, status="issued").exists()
    orders = PurchaseOrder.objects.filter(organisation=demo).order_by("number")
    assert [(o.number, o.status) for o in orders] == [("PO-0001", "approved"), ("PO-0002", "draft")]


def test_demo_invoices_are_numbered_in_date_order(demo: Organisation) -> None:
    issued = Invoice.objects.filter(organisation=demo).exclude(number="").order_by("number")
    numbers = [invoice.number for invoice in issued]
    assert numbers == [f"INV-{n:04d}" for n in range(1, len(numbers) + 1)]
    dates = [invoice.issue_date for invoice in issued]
    assert dates == sorted(dates)


def test_every_demo_amount_due_agrees_with_payments_and_credits(demo: Organisation) -> None:
    for invoice in Invoice.objects.exclude(status="draft"):
        paid = invoice.payments.aggregate(sum=Sum("amount"))["sum"] or Decimal("0")
        credited = invoice.credit_notes.aggregate(sum=Sum("total"))["sum"] or Decimal("0")
        assert invoice.amount_due == invoice.total - paid - credited, invoice.number


def test_second_run_changes_nothing_and_says_so(demo: Organisation) -> None:
    counts = (Organisation.objects.count(), User.objects.count(), Invoice.objects.count())
    assert seed().strip() == "Demo data already loaded"
    assert (Organisation.objects.count(), User.objects.count(), Invoice.objects.count()) == counts


def test_summary_names_the_users_but_no_password(db: None) -> None:
    output = seed()
    assert "owner@demo.test (Owner)" in output
    assert "outsider@other.test (Owner)" in output
    assert "patchbay-demo" not in output


@pytest.mark.parametrize("email", [*DEMO_ROLES, "outsider@other.test"])
def test_demo_users_sign_in_with_the_demo_password(demo: Organisation, email: str) -> None:
    response = Client().post(reverse("login"), {"username": email, "password": "patchbay-demo"})
    assert response.status_code == 302
    assert response["Location"] != reverse("login")


def test_demo_bookkeeper_sees_demo_invoices_and_not_the_other_organisations(
    demo: Organisation,
) -> None:
    client = Client()
    client.post(reverse("login"), {"username": "books@demo.test", "password": "patchbay-demo"})
    body = client.get(reverse("operations:invoice_list")).content.decode()
    assert "Riverside Arts Festival" in body
    assert "Galway Folk Weekend" not in body
