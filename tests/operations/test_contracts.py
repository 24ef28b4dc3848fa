"""Recurring hire contracts: periods, proration, pausing, and issuing exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from operations import contracts, services
from operations.contracts import DASH
from operations.models import ContractIssuance, Invoice, RecurringContract
from operations.services import OperationError
from tenancy.models import Organisation
from tests import factories
from tests.conftest import Tenants

Contract = RecurringContract


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    # Organisations default to Europe/London: in winter that is UTC.
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def make_contract(
    organisation: Organisation,
    starts_on: date,
    rate: str = "300.00",
    *,
    name: str = "Warehouse PA",
    **fields: Any,
) -> RecurringContract:
    customer = factories.make_customer(organisation)
    return contracts.create_contract(
        organisation,
        [factories.line(organisation, rate)],
        name=name,
        customer=customer,
        starts_on=starts_on,
        **fields,
    )


def invoices_of(contract: RecurringContract) -> list[tuple[date, Invoice]]:
    rows = ContractIssuance.objects.filter(contract=contract).select_related("invoice")
    return sorted((row.period_start, row.invoice) for row in rows)


def only_line(invoice: Invoice) -> Any:
    (line,) = invoice.lines.all()
    return line


# --- Periods and proration ----------------------------------------------------------------


def test_first_part_month_is_prorated_by_days_and_says_so(tenants: Tenants) -> None:
    contract = make_contract(tenants.alpha, date(2026, 6, 15), "300.00")
    assert contracts.scan(at(2026, 6, 15)).issued == 1
    ((start, invoice),) = invoices_of(contract)
    assert start == date(2026, 6, 15)
    line = only_line(invoice)
    assert line.description == f"Hire: Hire 15{DASH}30 Jun 2026 (16 of 30 days)"
    assert line.unit_price == Decimal("160.00")  # 300 x 16/30
    assert invoice.status == Invoice.Status.ISSUED
    assert invoice.number == "INV-0001"
    assert invoice.issue_date == date(2026, 6, 15)
    assert invoice.due_date == date(2026, 6, 29)  # 14 days' terms


def test_missed_scans_catch_up_each_period_once_and_rescans_add_nothing(tenants: Tenants) -> None:
    contract = make_contract(tenants.alpha, date(2026, 6, 15), "310.00")
    assert contracts.scan(at(2026, 9, 5)).issued == 4
    assert contracts.scan(at(2026, 9, 5)).issued == 0
    issued = invoices_of(contract)
    assert [start for start, _ in issued] == [
        date(2026, 6, 15),
        date(2026, 7, 1),
        date(2026, 8, 1),
        date(2026, 9, 1),
    ]
    assert [only_line(inv).unit_price for _, inv in issued][1:] == [Decimal("310.00")] * 3
    assert only_line(issued[1][1]).description == f"Hire: Hire 1{DASH}31 Jul 2026"
    # Each dated on its own billing day, numbered in the ordinary sequence.
    assert [inv.issue_date for _, inv in issued] == [start for start, _ in issued]
    assert sorted(inv.number for _, inv in issued) == [f"INV-000{n}" for n in range(1, 5)]
    contract.refresh_from_db()
    assert contract.next_billing_on == date(2026, 10, 1)


def test_arrears_bills_a_period_the_day_after_it_ends(tenants: Tenants) -> None:
    contract = make_contract(tenants.alpha, date(2026, 1, 1), billing=Contract.Billing.ARREARS)
    assert contracts.scan(at(2026, 1, 31, 23, 30)).issued == 0
    assert contracts.scan(at(2026, 2, 1, 0, 30)).issued == 1
    ((start, invoice),) = invoices_of(contract)
    assert start == date(2026, 1, 1)
    assert invoice.issue_date == date(2026, 2, 1)
    assert only_line(invoice).description == f"Hire: Hire 1{DASH}31 Jan 2026"


def test_billing_day_sets_the_period_boundaries(tenants: Tenants) -> None:
    contract = make_contract(tenants.alpha, date(2026, 3, 1), "280.00", billing_day=15)
    contracts.scan(at(2026, 3, 20))
    (first, _second) = [inv for _, inv in invoices_of(contract)]
    # 15 Feb to 15 Mar 2026 is 28 days: 1-14 Mar is half of it.
    assert only_line(first).description == f"Hire: Hire 1{DASH}14 Mar 2026 (14 of 28 days)"
    assert only_line(first).unit_price == Decimal("140.00")
    assert only_line(_second).description == f"Hire: Hire 15 Mar{DASH}14 Apr 2026"


def test_last_part_period_is_prorated_and_the_contract_then_ends(tenants: Tenants) -> None:
    contract = make_contract(tenants.alpha, date(2026, 7, 1), "310.00", ends_on=date(2026, 8, 10))
    assert contracts.scan(at(2026, 12, 1)).issued == 2
    last = invoices_of(contract)[-1][1]
    assert only_line(last).description == f"Hire: Hire 1{DASH}10 Aug 2026 (10 of 31 days)"
    assert only_line(last).unit_price == Decimal("100.00")
    contract.refresh_from_db()
    assert contract.status == Contract.Status.ENDED
    assert contract.next_billing_on is None


def test_weekly_and_quarterly_periods(tenants: Tenants) -> None:
    weekly = make_contract(tenants.alpha, date(2026, 3, 4), period=Contract.Period.WEEKLY)
    quarterly = make_contract(
        tenants.alpha, date(2026, 2, 1), "900.00", period=Contract.Period.QUARTERLY
    )
    contracts.scan(at(2026, 3, 18))
    assert [s for s, _ in invoices_of(weekly)] == [date(2026, 3, d) for d in (4, 11, 18)]
    assert only_line(invoices_of(weekly)[0][1]).description == f"Hire: Hire 4{DASH}10 Mar 2026"
    (first,) = [inv for _, inv in invoices_of(quarterly)]
    assert only_line(first).description == f"Hire: Hire 1 Feb{DASH}30 Apr 2026"


def test_paused_contract_issues_nothing_and_resuming_skips_the_paused_time(
    tenants: Tenants,
) -> None:
    contract = make_contract(tenants.alpha, date(2026, 3, 1), "310.00")
    contracts.scan(at(2026, 3, 10))
    contracts.pause_contract(contract)
    assert contracts.scan(at(2026, 5, 20)).issued == 0
    contracts.resume_contract(contract, date(2026, 5, 20))
    assert contracts.scan(at(2026, 5, 20)).issued == 1
    starts = [start for start, _ in invoices_of(contract)]
    assert starts == [date(2026, 3, 1), date(2026, 5, 20)]
    resumed = only_line(invoices_of(contract)[-1][1])
    assert resumed.description == f"Hire: Hire 20{DASH}31 May 2026 (12 of 31 days)"
    assert resumed.unit_price == Decimal("120.00")


def test_resuming_within_an_invoiced_period_bills_it_once(tenants: Tenants) -> None:
    contract = make_contract(tenants.alpha, date(2026, 3, 1))
    contracts.scan(at(2026, 3, 2))
    contracts.pause_contract(contract)
    contracts.resume_contract(contract, date(2026, 3, 20))
    contracts.scan(at(2026, 4, 1))
    assert [start for start, _ in invoices_of(contract)] == [date(2026, 3, 1), date(2026, 4, 1)]


def test_ending_sets_the_last_day_and_refuses_one_before_what_is_invoiced(
    tenants: Tenants,
) -> None:
    contract = make_contract(tenants.alpha, date(2026, 3, 1))
    contracts.scan(at(2026, 3, 2))  # March invoiced in advance
    with pytest.raises(OperationError) as refused:
        contracts.end_contract(contract, date(2026, 3, 15))
    assert refused.value.field == "last_day"
    contracts.end_contract(contract, date(2026, 4, 15))
    contracts.scan(at(2026, 6, 1))
    assert only_line(invoices_of(contract)[-1][1]).description == (
        f"Hire: Hire 1{DASH}15 Apr 2026 (15 of 30 days)"
    )
    contract.refresh_from_db()
    assert contract.status == Contract.Status.ENDED


def test_contract_whose_lines_no_longer_fit_is_noted_and_others_still_issue(
    tenants: Tenants,
) -> None:
    broken = make_contract(tenants.alpha, date(2026, 3, 1))
    broken.lines.update(unit_price=Decimal("999999999999.99"))  # saved before the bounds
    fine = make_contract(tenants.alpha, date(2026, 3, 1))
    result = contracts.scan(at(2026, 3, 2))
    assert (result.issued, result.refused) == (1, 1)
    broken.refresh_from_db()
    assert "more than" in broken.problem
    assert invoices_of(broken) == []
    assert len(invoices_of(fine)) == 1


def test_contracts_are_numbered_per_organisation(tenants: Tenants) -> None:
    first = make_contract(tenants.alpha, date(2026, 3, 1))
    second = make_contract(tenants.alpha, date(2026, 3, 1))
    other = make_contract(tenants.bravo, date(2026, 3, 1))
    assert (first.number, second.number, other.number) == ("RC-0001", "RC-0002", "RC-0001")


def test_schedule_cannot_change_once_a_period_is_invoiced(tenants: Tenants) -> None:
    contract = make_contract(tenants.alpha, date(2026, 3, 1))
    contracts.scan(at(2026, 3, 2))
    lines = [factories.line(tenants.alpha, "500.00")]
    with pytest.raises(OperationError) as refused:
        contracts.update_contract(contract, lines, billing_day=10)
    assert refused.value.field == "billing_day"
    contracts.update_contract(contract, lines, name="Warehouse PA and lights")
    contracts.scan(at(2026, 4, 2))
    assert only_line(invoices_of(contract)[-1][1]).unit_price == Decimal("500.00")


# --- Exactly once -----------------------------------------------------------------------


def test_the_database_refuses_a_second_issuance_of_one_period(tenants: Tenants) -> None:
    contract = make_contract(tenants.alpha, date(2026, 3, 1))
    contracts.scan(at(2026, 3, 2))
    other = factories.make_issued_invoice(tenants.alpha)
    with pytest.raises(IntegrityError), transaction.atomic():
        ContractIssuance.objects.create(
            organisation=tenants.alpha,
            contract=contract,
            period_start=date(2026, 3, 1),
            period_end=date(2026, 3, 31),
            invoice=other,
        )


def _concurrently(*calls: Any) -> list[BaseException]:
    """Run each call in its own thread (its own database connection), all at once."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call: Any) -> None:
        try:
            barrier.wait()
            call()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_across_a_month_boundary_issue_one_invoice_per_period(
    tenants: Tenants,
) -> None:
    """The Done-when test of issue 16: two scans run truly at once (two threads, two
    connections) at 23:30 on 31 Jan and again at 00:30 on 1 Feb."""
    made = [make_contract(tenants.alpha, date(2025, 11, 1)) for _ in range(4)]
    made += [make_contract(tenants.bravo, date(2026, 1, 10)) for _ in range(2)]
    made.append(make_contract(tenants.alpha, date(2025, 12, 1), billing="arrears"))
    for moment in (at(2026, 1, 31, 23, 30), at(2026, 2, 1, 0, 30)):
        with time_machine.travel(moment, tick=False):
            assert _concurrently(contracts.scan, contracts.scan) == []
    periods = Counter(ContractIssuance.objects.values_list("contract_id", "period_start"))
    assert periods and set(periods.values()) == {1}
    expected = {
        **{
            c.pk: {date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)}
            for c in made[:4]
        },
        **{c.pk: {date(2026, 1, 10), date(2026, 2, 1)} for c in made[4:6]},
        made[6].pk: {date(2025, 12, 1), date(2026, 1, 1)},
    }
    assert {pk: {p for c, p in periods if c == pk} for pk in expected} == expected
    assert Invoice.objects.count() == sum(len(p) for p in expected.values())
    for organisation in (tenants.alpha, tenants.bravo):
        numbers = list(Invoice.objects.filter(organisation=organisation).values_list("number"))
        assert len(numbers) == len(set(numbers))


@pytest.mark.django_db(transaction=True)
def test_two_issuers_of_one_contract_at_once_issue_its_period_once(tenants: Tenants) -> None:
    contract = make_contract(tenants.alpha, date(2026, 3, 1))
    now = at(2026, 3, 1, 0, 30)
    calls = [lambda: contracts.issue_next(contract.pk, now) for _ in range(3)]
    assert _concurrently(*calls) == []
    assert len(invoices_of(contract)) == 1


@pytest.mark.django_db(transaction=True)
def test_a_scan_skips_a_contract_another_scan_holds_without_waiting(tenants: Tenants) -> None:
    held = make_contract(tenants.alpha, date(2026, 3, 1))
    free = make_contract(tenants.alpha, date(2026, 3, 1))
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                list(Contract.objects.select_for_update().filter(pk=held.pk))
                locked.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(timeout=60)
        with connection.cursor() as cursor:  # were the scan to wait, it would fail instead
            cursor.execute("SET lock_timeout = '5s'")
        assert contracts.scan(at(2026, 3, 2)).issued == 1
    finally:
        release.set()
        holder.join()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    assert invoices_of(held) == []
    assert len(invoices_of(free)) == 1
    assert contracts.scan(at(2026, 3, 2)).issued == 1  # the next scan picks it up
    assert len(invoices_of(held)) == 1


@pytest.mark.django_db(transaction=True)
def test_a_scan_that_crashes_half_way_is_rerun_without_duplicates(
    tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = [make_contract(tenants.alpha, date(2026, 1, 1)) for _ in range(3)]
    real_issue = services.issue_invoice
    calls = {"n": 0}

    def crash_on_the_fifth(invoice: Invoice) -> Invoice:
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("worker killed")
        return real_issue(invoice)

    monkeypatch.setattr(services, "issue_invoice", crash_on_the_fifth)
    with pytest.raises(RuntimeError):
        contracts.scan(at(2026, 3, 2))
    assert ContractIssuance.objects.count() == 4
    # The crashed span left nothing behind: its draft went with its transaction.
    assert not Invoice.objects.filter(status=Invoice.Status.DRAFT).exists()
    monkeypatch.setattr(services, "issue_invoice", real_issue)
    assert contracts.scan(at(2026, 3, 2)).issued == 5
    periods = Counter(ContractIssuance.objects.values_list("contract_id", "period_start"))
    assert len(periods) == 9 and set(periods.values()) == {1}
    assert {c for c, _ in periods} == {c.pk for c in made}
    assert Invoice.objects.count() == 9


def test_a_scans_queries_grow_by_a_fixed_number_per_due_contract(tenants: Tenants) -> None:
    def queries_with(count: int) -> int:
        ContractIssuance.objects.all().delete()
        Contract.objects.all().delete()
        for _ in range(count):
            make_contract(tenants.alpha, date(2026, 3, 1))
        with CaptureQueriesContext(connection) as captured:
            assert contracts.scan(at(2026, 3, 2)).issued == count
        return len(captured)

    one, two, three = queries_with(1), queries_with(2), queries_with(3)
    assert three - two == two - one
