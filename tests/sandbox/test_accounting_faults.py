"""Faults on the accounting API: lost answers after the write, flaky calls, size limits."""

from __future__ import annotations

import time

from sandbox.xero import books, faults, inspect
from sandbox.xero.accounting.models import XeroInvoice
from sandbox.xero.models import XeroFault
from tests.sandbox import flow
from tests.sandbox.accounting import invoice

KEY = {"Idempotency-Key": "retry-me"}


def test_commit_then_fail_applies_the_write_and_answers_500(xero: flow.Xero) -> None:
    faults.commit_then_fail()
    response = xero.put("Invoices", [invoice()], headers=KEY)
    assert response.status_code == 500 and response.json()["Status"] == 500
    assert XeroInvoice.objects.count() == 1
    assert xero.get("Invoices").status_code == 200, "reads are not affected"
    faults.clear_faults()
    retried = xero.put("Invoices", [invoice()], headers=KEY)
    assert retried.status_code == 200 and XeroInvoice.objects.count() == 1
    assert retried.json()["Invoices"][0]["InvoiceNumber"] == "INV-0001"


def test_commit_then_fail_with_a_delay_hangs_then_times_out(xero: flow.Xero) -> None:
    faults.commit_then_fail(delay_seconds=0.2)
    started = time.monotonic()
    response = xero.put("Invoices", [invoice()])
    assert response.status_code == 504 and time.monotonic() - started >= 0.2
    assert XeroInvoice.objects.count() == 1
    assert inspect.api_call_count(status=504) == 1


def test_without_a_key_the_retry_after_a_lost_answer_duplicates(xero: flow.Xero) -> None:
    faults.commit_then_fail()
    xero.put("Invoices", [invoice(InvoiceNumber=None)])
    faults.clear_faults()
    assert xero.put("Invoices", [invoice()]).status_code == 200
    assert XeroInvoice.objects.count() == 2


def test_the_invoice_number_guards_a_retry_without_a_key(xero: flow.Xero) -> None:
    faults.commit_then_fail()
    xero.put("Invoices", [invoice(InvoiceNumber="PB-1")])
    faults.clear_faults()
    assert xero.put("Invoices", [invoice(InvoiceNumber="PB-1")]).status_code == 400


def fates(xero: flow.Xero, calls: int) -> list[int]:
    return [xero.get("Accounts").status_code for _ in range(calls)]


def test_fail_ratio_fails_a_share_of_calls_repeatably_with_a_seed(
    xero: flow.Xero, settings
) -> None:
    settings.SANDBOX_XERO_MINUTE_LIMIT = 1000
    books.set_fail_ratio(0.5, seed=7)
    first = fates(xero, 40)
    books.set_fail_ratio(0.5, seed=7)
    second = fates(xero, 40)
    assert first == second
    assert set(first) == {200, 500, 429, 504}
    assert 8 <= sum(status != 200 for status in first) <= 32
    books.set_fail_ratio(0)
    assert faults.active_fault(XeroFault.Target.API) is None


def test_fail_ratio_429s_carry_retry_after_and_the_problem(xero: flow.Xero, settings) -> None:
    settings.SANDBOX_XERO_MINUTE_LIMIT = 1000
    books.set_fail_ratio(1.0, seed=1)
    responses = [xero.get("Accounts") for _ in range(12)]
    throttled = [item for item in responses if item.status_code == 429]
    assert throttled and all(item["Retry-After"] == "1" for item in throttled)
    assert all(item["X-Rate-Limit-Problem"] == "minute" for item in throttled)


def test_lost_answers_under_fail_ratio_still_write(xero: flow.Xero, settings) -> None:
    settings.SANDBOX_XERO_MINUTE_LIMIT = 1000
    books.set_fail_ratio(0.6, seed=3)
    statuses = [xero.put("Invoices", [invoice(Reference=f"PB-{n}")]).status_code for n in range(30)]
    written = XeroInvoice.objects.count()
    assert written == statuses.count(200) + statuses.count(504)
    assert statuses.count(504) > 0 and statuses.count(500) > 0


def test_fault_is_stored_in_the_database(db: None) -> None:
    fault = books.set_fail_ratio(0.2, seed=42, minutes=5)
    stored = XeroFault.objects.get(target="api")
    assert (stored.mode, stored.fail_ratio, stored.seed) == ("flaky", 0.2, 42)
    assert fault.until is not None


def test_bodies_over_3_5_mb_are_413(xero: flow.Xero) -> None:
    padding = "x" * (3_670_016 + 10)
    response = xero.put("Invoices", [invoice(Reference=padding)])
    assert response.status_code == 413
    assert not XeroInvoice.objects.exists()


def test_bodies_just_under_the_limit_pass_djangos_smaller_limit(xero: flow.Xero, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = xero.put(
        "Invoices", [invoice(LineItems=[{"Description": "y" * 3000, "Quantity": 1}])]
    )
    assert response.status_code == 200
