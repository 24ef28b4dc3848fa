"""idempotency_id replays, rate limits and injected faults."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from sandbox.sage import books, faults, inspect
from sandbox.sage.models import SageContact, SageSalesInvoice
from sandbox.sage.seed import DEMO_HIRE_UK
from tests.sandbox.sage import flow
from tests.sandbox.sage.books_data import IDEMPOTENCY_ID, invoice, problems


def post_invoice(sage: flow.Sage, **overrides):
    return sage.post("sales_invoices", {"sales_invoice": invoice(**overrides)})


def test_a_repeated_idempotency_id_replays_the_first_answer(sage: flow.Sage) -> None:
    first = post_invoice(sage, idempotency_id=IDEMPOTENCY_ID)
    again = post_invoice(sage, idempotency_id=IDEMPOTENCY_ID)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert SageSalesInvoice.objects.count() == 1
    assert inspect.idempotent_replays() == 1
    assert inspect.idempotent_replays(with_other_body=True) == 0


def test_the_same_id_with_another_body_replays_and_is_counted(sage: flow.Sage) -> None:
    post_invoice(sage, idempotency_id=IDEMPOTENCY_ID)
    again = post_invoice(sage, idempotency_id=IDEMPOTENCY_ID, reference="CHANGED")
    assert again.json()["reference"] == "PB-RA-10482"
    assert inspect.idempotent_replays(with_other_body=True) == 1


def test_the_id_on_another_resource_type_is_a_mismatch(sage: flow.Sage) -> None:
    post_invoice(sage, idempotency_id=IDEMPOTENCY_ID)
    body = {"name": "Other", "contact_type_ids": ["CUSTOMER"], "idempotency_id": IDEMPOTENCY_ID}
    response = sage.post("contacts", {"contact": body})
    assert response.status_code == 422
    assert response.json() == [
        {
            "$severity": "error",
            "$dataCode": "IdempotencyResourceMismatch",
            "$message": "Entity type mismatch",
            "$source": "",
        }
    ]


def test_an_idempotency_id_must_be_32_hex(sage: flow.Sage) -> None:
    response = post_invoice(sage, idempotency_id="658ba408-aa62-a672-0f2f-0ba172fc99ec")
    assert problems(response) == [("RecordInvalid", "idempotency_id")]


def test_ids_are_forgotten_after_seven_days(sage: flow.Sage) -> None:
    post_invoice(sage, idempotency_id=IDEMPOTENCY_ID)
    with time_machine.travel(timezone.now() + timedelta(days=7, seconds=1)):
        later = flow.sage_for(sage.client)
        assert post_invoice(later, idempotency_id=IDEMPOTENCY_ID).status_code == 201
    assert SageSalesInvoice.objects.count() == 2


def test_put_replays_too(sage: flow.Sage) -> None:
    created = post_invoice(sage).json()
    change = {"sales_invoice": {"notes": "first", "idempotency_id": IDEMPOTENCY_ID}}
    assert sage.put(f"sales_invoices/{created['id']}", change).status_code == 200
    books.edit_invoice(DEMO_HIRE_UK, created["id"], notes="by the bookkeeper")
    replay = sage.put(f"sales_invoices/{created['id']}", change)
    assert replay.json()["notes"] == "first"
    assert books.invoice(DEMO_HIRE_UK, created["id"]).notes == "by the bookkeeper"


def test_validation_errors_are_arrays_with_sources(sage: flow.Sage) -> None:
    response = post_invoice(sage, invoice_lines=[{"description": "x", "unit_price": 1}])
    assert response.status_code == 422
    assert response.json() == [
        {
            "$severity": "error",
            "$dataCode": "RecordInvalid",
            "$message": "This field is required.",
            "$source": "invoice_lines.ledger_account_id",
        }
    ]
    assert problems(post_invoice(sage, contact_id=None)) == [("RecordInvalid", "contact_id")]
    missing_wrapper = sage.post("sales_invoices", invoice())
    assert problems(missing_wrapper) == [("RecordInvalid", "sales_invoice")]
    assert SageSalesInvoice.objects.count() == 0


def test_the_rate_limit_answers_429_per_business(sage: flow.Sage, settings) -> None:
    settings.SANDBOX_SAGE_MINUTE_LIMIT = 3
    assert [sage.get("contacts").status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = sage.get("contacts")
    assert refused.json()[0]["$dataCode"] == "TooManyRequests"
    assert "Retry-After" not in refused
    other = flow.Sage(sage.client, sage.token, "8d4f2a6c1e3b4d5f9a0b7c8d6e5f4a3b")
    assert other.get("contacts").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert sage.get("contacts").status_code == 200
    assert inspect.api_call_count(DEMO_HIRE_UK, 429) == 2


def test_retry_after_can_be_switched_on(sage: flow.Sage, settings) -> None:
    settings.SANDBOX_SAGE_MINUTE_LIMIT = 1
    settings.SANDBOX_SAGE_SEND_RETRY_AFTER = True
    sage.get("contacts")
    assert 1 <= int(sage.get("contacts")["Retry-After"]) <= 60


def test_commit_then_fail_applies_the_write_and_loses_the_answer(sage: flow.Sage) -> None:
    faults.commit_then_fail()
    response = post_invoice(sage, idempotency_id=IDEMPOTENCY_ID)
    assert response.status_code == 500 and response.json()[0]["$dataCode"] == "UnexpectedError"
    assert SageSalesInvoice.objects.count() == 1
    assert sage.get("sales_invoices").status_code == 200, "reads are not affected"
    faults.clear_faults()
    retried = post_invoice(sage, idempotency_id=IDEMPOTENCY_ID)
    assert retried.status_code == 201 and SageSalesInvoice.objects.count() == 1


def test_commit_then_fail_with_a_delay_times_out(sage: flow.Sage) -> None:
    faults.commit_then_fail(delay_seconds=0.05)
    assert post_invoice(sage).status_code == 504
    assert SageSalesInvoice.objects.count() == 1
    assert inspect.api_call_count(DEMO_HIRE_UK, 504) == 1


def test_outage_and_errors_are_not_recorded(sage: flow.Sage) -> None:
    faults.start_api_outage()
    assert sage.get("contacts").status_code == 503
    faults.start_api_errors()
    assert sage.get("contacts").status_code == 500
    assert inspect.api_call_count() == 0


def test_throttled_fault_is_429(sage: flow.Sage) -> None:
    faults.throttle_api()
    assert sage.get("contacts").status_code == 429


def test_token_faults(app_client) -> None:
    body = flow.controls_tokens()
    faults.start_token_errors()
    assert flow.refresh(app_client, body["refresh_token"]).json() == {"error": "server_error"}
    faults.clear_faults()
    assert flow.refresh(app_client, body["refresh_token"]).status_code == 200


def test_fail_ratio_fails_a_repeatable_share(sage: flow.Sage, settings) -> None:
    settings.SANDBOX_SAGE_MINUTE_LIMIT = 1000
    books.set_fail_ratio(0.5, seed=7)
    first = [sage.get("contacts").status_code for _ in range(20)]
    books.set_fail_ratio(0.5, seed=7)
    second = [sage.get("contacts").status_code for _ in range(20)]
    assert first == second
    assert 0 < sum(code != 200 for code in first) < 20
    assert set(first) <= {200, 429, 500, 504}
    books.set_fail_ratio(0)
    assert all(sage.get("contacts").status_code == 200 for _ in range(5))


def test_calls_are_counted_per_business(sage: flow.Sage) -> None:
    sage.get("contacts")
    post_invoice(sage)
    assert inspect.api_call_count(DEMO_HIRE_UK) == 2
    assert inspect.api_call_count(DEMO_HIRE_UK, 201, method="POST") == 1
    assert SageContact.objects.exists()
