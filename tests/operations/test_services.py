from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from operations import services
from operations.models import CreditNote, Invoice, Payment, Quote, TaxCategory
from operations.services import LineInput, OperationError
from tests import factories
from tests.conftest import Tenants

TODAY = date.today()


def _draft(organisation, unit_price: str = "100.00", quantity: str = "1") -> Invoice:
    customer = factories.make_customer(organisation)
    return services.create_draft_invoice(
        customer, [factories.line(organisation, unit_price, quantity)]
    )


def _issued(organisation, unit_price: str = "100.00") -> Invoice:
    return services.issue_invoice(_draft(organisation, unit_price))


# --- Totals ---------------------------------------------------------------------------


def test_totals_round_net_and_tax_per_line_before_summing(tenants: Tenants) -> None:
    org = tenants.alpha
    factories.make_tax(org, "Standard 20%")
    reduced = TaxCategory.objects.create(organisation=org, name="Z reduced", rate=Decimal("5"))
    invoice = services.create_draft_invoice(
        factories.make_customer(org),
        [
            factories.line(org, "33.33", "3"),  # 99.99 net, 19.998 tax -> 20.00
            LineInput(
                description="Delivery",
                unit_price=Decimal("10.01"),
                tax_category=reduced,
                income_category=factories.make_income(org, "Delivery"),
            ),  # 10.01 net, 0.5005 tax -> 0.50
        ],
    )
    totals = services.document_totals(invoice)
    assert totals.net == Decimal("110.00")
    assert totals.tax == Decimal("20.50")
    assert invoice.total == invoice.amount_due == Decimal("130.50")


def test_half_pennies_round_up(tenants: Tenants) -> None:
    factories.make_tax(tenants.alpha, "Standard 20%")
    reduced = TaxCategory.objects.create(organisation=tenants.alpha, name="Z", rate=Decimal("5"))
    line = LineInput(
        description="Delivery",
        unit_price=Decimal("10.10"),  # 5% tax is 0.505
        tax_category=reduced,
        income_category=factories.make_income(tenants.alpha),
    )
    invoice = services.create_draft_invoice(factories.make_customer(tenants.alpha), [line])
    assert invoice.total == Decimal("10.61")


def test_draft_due_date_before_issue_date_is_refused(tenants: Tenants) -> None:
    customer = factories.make_customer(tenants.alpha)
    with pytest.raises(OperationError) as refused:
        services.create_draft_invoice(
            customer,
            [factories.line(tenants.alpha)],
            issue_date=TODAY,
            due_date=TODAY - timedelta(days=1),
        )
    assert refused.value.field == "due_date"
    assert not Invoice.objects.exists()


def test_draft_with_another_organisations_tax_category_is_refused(tenants: Tenants) -> None:
    customer = factories.make_customer(tenants.alpha)
    foreign = factories.line(tenants.bravo)
    with pytest.raises(OperationError, match="another organisation"):
        services.create_draft_invoice(customer, [foreign])
    assert not Invoice.objects.filter(organisation=tenants.alpha).exists()


def test_draft_without_lines_is_refused(tenants: Tenants) -> None:
    with pytest.raises(OperationError, match="at least one line"):
        services.create_draft_invoice(factories.make_customer(tenants.alpha), [])


# --- Issuing and numbering --------------------------------------------------------------


def test_issuing_numbers_invoices_in_sequence_within_an_organisation(tenants: Tenants) -> None:
    numbers = [_issued(tenants.alpha).number for _ in range(3)]
    assert numbers == ["INV-0001", "INV-0002", "INV-0003"]


def test_each_organisation_has_its_own_invoice_numbers(tenants: Tenants) -> None:
    _issued(tenants.alpha)
    _issued(tenants.alpha)
    assert _issued(tenants.bravo).number == "INV-0001"
    assert _issued(tenants.alpha).number == "INV-0003"


def test_numbering_continues_after_the_highest_existing_number(tenants: Tenants) -> None:
    factories.make_invoice(tenants.alpha, status=Invoice.Status.ISSUED, number="INV-0041")
    factories.make_invoice(tenants.alpha, status=Invoice.Status.ISSUED, number="IMPORTED-9999")
    assert _issued(tenants.alpha).number == "INV-0042"


def test_issuing_sets_status_total_and_amount_due_from_the_lines(tenants: Tenants) -> None:
    invoice = _draft(tenants.alpha, "250.00", "2")
    services.issue_invoice(invoice)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED
    assert invoice.total == invoice.amount_due == Decimal("600.00")


def test_issuing_a_non_draft_invoice_is_refused_and_changes_nothing(tenants: Tenants) -> None:
    invoice = _issued(tenants.alpha)
    with pytest.raises(OperationError, match="only a draft can be issued"):
        services.issue_invoice(invoice)
    invoice.refresh_from_db()
    assert invoice.number == "INV-0001"
    assert invoice.status == Invoice.Status.ISSUED


def test_issuing_an_invoice_without_lines_is_refused(tenants: Tenants) -> None:
    invoice = factories.make_invoice(tenants.alpha, lines=0)
    with pytest.raises(OperationError, match="no lines"):
        services.issue_invoice(invoice)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.number) == (Invoice.Status.DRAFT, "")


def test_issuing_an_invoice_deleted_meanwhile_is_refused_not_a_crash(tenants: Tenants) -> None:
    invoice = _draft(tenants.alpha)
    Invoice.objects.filter(pk=invoice.pk).delete()
    with pytest.raises(OperationError, match="no longer exists"):
        services.issue_invoice(invoice)


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_never_hands_out_one_number_twice(tenants: Tenants) -> None:
    drafts = [_draft(tenants.alpha) for _ in range(4)]
    barrier = threading.Barrier(len(drafts))
    errors: list[BaseException] = []

    def issue(invoice: Invoice) -> None:
        try:
            barrier.wait()
            services.issue_invoice(invoice)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == ["INV-0001", "INV-0002", "INV-0003", "INV-0004"]


# --- Payments ---------------------------------------------------------------------------


def test_partial_then_full_payment_moves_invoice_to_partially_paid_then_paid(
    tenants: Tenants,
) -> None:
    invoice = _issued(tenants.alpha)  # 120.00 due
    services.record_payment(invoice, Decimal("45.55"), TODAY, "first")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PARTIALLY_PAID
    assert invoice.amount_due == Decimal("74.45")

    services.record_payment(invoice, Decimal("74.45"), TODAY, "second")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert invoice.amount_due == Decimal("0.00")
    assert sorted(invoice.payments.values_list("amount", flat=True)) == [
        Decimal("45.55"),
        Decimal("74.45"),
    ]


def test_removing_a_payment_makes_its_amount_due_again(tenants: Tenants) -> None:
    invoice = _issued(tenants.alpha)  # 120.00 due
    first = services.record_payment(invoice, Decimal("20.00"), TODAY, "first")
    second = services.record_payment(invoice, Decimal("100.00"), TODAY, "second")

    assert services.remove_payment(second).status == Invoice.Status.PARTIALLY_PAID
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("100.00")
    assert list(invoice.payments.all()) == [first]

    services.remove_payment(first)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_due) == (Invoice.Status.ISSUED, Decimal("120.00"))


def test_removing_a_payment_keeps_a_credit_notes_share_settled(tenants: Tenants) -> None:
    invoice = _issued(tenants.alpha)
    payment = services.record_payment(invoice, Decimal("60.00"), TODAY)
    _credit(invoice, "50.00")  # 60.00 with tax: paid in full

    services.remove_payment(payment)

    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_due) == (Invoice.Status.ISSUED, Decimal("60.00"))


def test_payment_updates_the_callers_invoice_object_too(tenants: Tenants) -> None:
    invoice = _issued(tenants.alpha)
    services.record_payment(invoice, Decimal("20.00"), TODAY)
    assert invoice.amount_due == Decimal("100.00")
    assert invoice.status == Invoice.Status.PARTIALLY_PAID


def test_over_payment_is_refused_and_nothing_is_saved(tenants: Tenants) -> None:
    invoice = _issued(tenants.alpha)
    with pytest.raises(OperationError) as refused:
        services.record_payment(invoice, Decimal("120.01"), TODAY)
    assert refused.value.field == "amount"
    assert "120.00 GBP" in refused.value.message
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("120.00")
    assert invoice.status == Invoice.Status.ISSUED
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-5.00", "10.001"])
def test_zero_negative_and_sub_penny_payments_are_refused(tenants: Tenants, amount: str) -> None:
    invoice = _issued(tenants.alpha)
    with pytest.raises(OperationError):
        services.record_payment(invoice, Decimal(amount), TODAY)
    assert not Payment.objects.exists()


def test_draft_invoice_cannot_take_a_payment(tenants: Tenants) -> None:
    invoice = _draft(tenants.alpha)
    with pytest.raises(OperationError, match="cannot take payments"):
        services.record_payment(invoice, Decimal("1.00"), TODAY)
    assert not Payment.objects.exists()


def test_paid_invoice_cannot_take_another_payment(tenants: Tenants) -> None:
    invoice = _issued(tenants.alpha)
    services.record_payment(invoice, invoice.amount_due, TODAY)
    with pytest.raises(OperationError, match="Paid"):
        services.record_payment(invoice, Decimal("1.00"), TODAY)
    assert Payment.objects.count() == 1


def test_payment_checks_against_the_saved_amount_due_not_a_stale_copy(tenants: Tenants) -> None:
    invoice = _issued(tenants.alpha)
    stale = Invoice.objects.get(pk=invoice.pk)
    services.record_payment(invoice, Decimal("100.00"), TODAY)
    with pytest.raises(OperationError, match=r"20\.00 GBP"):
        services.record_payment(stale, Decimal("100.00"), TODAY)
    assert Payment.objects.count() == 1


# --- Quotes -----------------------------------------------------------------------------


def test_quotes_are_numbered_and_approved_once(tenants: Tenants) -> None:
    customer = factories.make_customer(tenants.alpha)
    quote = services.create_quote(customer, [factories.line(tenants.alpha, "50.00")])
    assert quote.number == "QU-0001"
    assert quote.total == Decimal("60.00")
    services.approve_quote(quote)
    assert Quote.objects.get(pk=quote.pk).status == Quote.Status.APPROVED
    with pytest.raises(OperationError, match="not Draft"):
        services.approve_quote(quote)


def test_only_an_approved_quote_becomes_an_invoice(tenants: Tenants) -> None:
    customer = factories.make_customer(tenants.alpha)
    quote = services.create_quote(customer, [factories.line(tenants.alpha, "50.00", "2")])
    with pytest.raises(OperationError, match="approved"):
        services.create_invoice_from_quote(quote)
    services.approve_quote(quote)
    invoice = services.create_invoice_from_quote(Quote.objects.get(pk=quote.pk))
    assert invoice.status == Invoice.Status.DRAFT
    assert invoice.total == Decimal("120.00")
    assert invoice.lines.count() == 1


# --- Credit notes -------------------------------------------------------------------------


def _credit(invoice: Invoice, unit_price: str) -> CreditNote:
    organisation = invoice.organisation
    note = services.create_credit_note(
        invoice.customer, [factories.line(organisation, unit_price)], invoice=invoice
    )
    return services.issue_credit_note(note)


def test_credit_note_lowers_amount_due_without_marking_the_invoice_paid(tenants: Tenants) -> None:
    invoice = _issued(tenants.alpha)
    note = _credit(invoice, "25.00")  # 30.00 with tax
    invoice.refresh_from_db()
    assert (note.number, note.status, note.total) == ("CN-0001", "issued", Decimal("30.00"))
    assert invoice.amount_due == Decimal("90.00")
    assert invoice.status == Invoice.Status.ISSUED


def test_credit_note_for_everything_due_settles_the_invoice(tenants: Tenants) -> None:
    invoice = _issued(tenants.alpha)
    services.record_payment(invoice, Decimal("60.00"), TODAY)
    _credit(invoice, "50.00")
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("0.00")
    assert invoice.status == Invoice.Status.PAID


def test_credit_note_larger_than_amount_due_is_refused(tenants: Tenants) -> None:
    invoice = _issued(tenants.alpha)
    note = services.create_credit_note(
        invoice.customer, [factories.line(tenants.alpha, "101.00")], invoice=invoice
    )
    with pytest.raises(OperationError, match="more than"):
        services.issue_credit_note(note)
    note.refresh_from_db()
    invoice.refresh_from_db()
    assert note.status == CreditNote.Status.DRAFT
    assert invoice.amount_due == Decimal("120.00")
