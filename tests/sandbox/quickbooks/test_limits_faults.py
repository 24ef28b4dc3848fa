"""Throttles, injected faults and the call record."""

from __future__ import annotations

from typing import Any

import time_machine
from django.utils import timezone

from sandbox.quickbooks import books, faults, inspect
from tests.sandbox.quickbooks import flow


def test_per_realm_minute_limit_answers_429_with_3001(
    qbo: flow.Qbo, qbo_uk: flow.Qbo, settings: Any
) -> None:
    settings.SANDBOX_QUICKBOOKS_MINUTE_LIMIT = 3
    statuses = [qbo.get("preferences").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    throttled = qbo.get("preferences")
    error = throttled.json()["Fault"]["Error"][0]
    assert error["code"] == "3001"
    assert "ThrottleExceeded" in error["Message"]
    assert "Retry-After" not in throttled
    assert qbo_uk.get("preferences").status_code == 200  # another realm has its own budget
    assert inspect.api_call_count(qbo.realm, status=429) == 2


def test_per_second_limit_and_optional_retry_after(qbo: flow.Qbo, settings: Any) -> None:
    settings.SANDBOX_QUICKBOOKS_SECOND_LIMIT = 2
    settings.SANDBOX_QUICKBOOKS_RETRY_AFTER_SECONDS = 60
    # The clock stands still: on a loaded machine three calls may otherwise span a second.
    with time_machine.travel(timezone.now(), tick=False):
        statuses = [qbo.get("preferences").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        assert qbo.get("preferences")["Retry-After"] == "60"


def test_batch_calls_have_their_own_limit(qbo: flow.Qbo, settings: Any) -> None:
    settings.SANDBOX_QUICKBOOKS_BATCH_MINUTE_LIMIT = 1
    body = {"BatchItemRequest": [{"bId": "1", "Query": "select * from Customer"}]}
    assert qbo.post("batch", body).status_code == 200
    assert qbo.post("batch", body).status_code == 429
    assert qbo.get("preferences").status_code == 200


def test_monthly_read_allowance(qbo: flow.Qbo, settings: Any) -> None:
    settings.SANDBOX_QUICKBOOKS_MONTHLY_READ_LIMIT = 2
    assert [qbo.get("preferences").status_code for _ in range(3)] == [200, 200, 429]
    assert qbo.post("customer", {"DisplayName": "Writes still go"}).status_code == 200


def test_server_error_and_outage(qbo: flow.Qbo) -> None:
    faults.start_api_errors()
    error = qbo.get("preferences")
    assert error.status_code == 500
    assert error.json()["Fault"]["type"] == "SystemFault"
    faults.start_api_outage()
    assert qbo.get("preferences").status_code == 503
    faults.throttle_api()
    assert qbo.get("preferences").status_code == 429
    faults.clear_faults()
    assert qbo.get("preferences").status_code == 200


def test_commit_then_fail_applies_the_write_and_loses_the_answer(qbo: flow.Qbo) -> None:
    faults.commit_then_fail()
    response = qbo.post("customer", {"DisplayName": "Lost Answer Co"}, "requestid=lost-1")
    assert response.status_code == 500
    assert qbo.get("preferences").status_code == 200  # reads are untouched
    faults.clear_faults()
    names = [c.data["DisplayName"] for c in books.customers_of(qbo.realm)]
    assert names.count("Lost Answer Co") == 1
    retry = qbo.post("customer", {"DisplayName": "Lost Answer Co"}, "requestid=lost-1")
    assert retry.status_code == 200  # the retry gets the answer that was lost
    names = [c.data["DisplayName"] for c in books.customers_of(qbo.realm)]
    assert names.count("Lost Answer Co") == 1


def test_flaky_with_a_seed_is_repeatable(qbo: flow.Qbo, settings: Any) -> None:
    settings.SANDBOX_QUICKBOOKS_SECOND_LIMIT = 1000  # only the fault's 429s, not the throttle's

    def run() -> list[int]:
        books.set_fail_ratio(0.5, seed=7)
        return [qbo.get("preferences").status_code for _ in range(12)]

    first = run()
    assert run() == first
    assert any(status >= 429 for status in first)
    assert 200 in first
    books.set_fail_ratio(0)
    assert qbo.get("preferences").status_code == 200


def test_every_call_is_recorded_with_intuit_tid(qbo: flow.Qbo, qbo_uk: flow.Qbo) -> None:
    response = qbo.get("preferences")
    assert response["intuit_tid"]
    qbo.query("select * from Customer")
    qbo_uk.get("preferences")
    assert inspect.api_call_count(qbo.realm) == 2
    assert inspect.api_call_count(qbo.realm, operation="query") == 1
    assert inspect.calls_per_realm() == {qbo.realm: 2, qbo_uk.realm: 1}
    assert inspect.api_calls(qbo.realm)[0].intuit_tid == response["intuit_tid"]
