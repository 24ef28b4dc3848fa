"""Batch operations and requestid idempotency."""

from __future__ import annotations

from typing import Any

from sandbox.quickbooks import books, inspect
from tests.sandbox.quickbooks import flow


def test_batch_runs_items_and_reports_each_failure_inside_a_200(qbo: flow.Qbo) -> None:
    body = {
        "BatchItemRequest": [
            {"bId": "1", "operation": "create", "Customer": {"DisplayName": "Batch Co"}},
            {"bId": "2", "operation": "create", "Customer": {"DisplayName": "Harbour Build LLC"}},
            {"bId": "3", "Query": "select * from Customer where Id = '1'"},
            {"bId": "4", "operation": "create", "Invoice": flow.invoice_body()},
        ]
    }
    response = qbo.post("batch", body)
    assert response.status_code == 200
    items = {item["bId"]: item for item in response.json()["BatchItemResponse"]}
    assert items["1"]["Customer"]["DisplayName"] == "Batch Co"
    assert items["2"]["Fault"]["Error"][0]["code"] == "6240"
    assert items["3"]["QueryResponse"]["Customer"][0]["Id"] == "1"
    assert items["4"]["Invoice"]["TotalAmt"] == 184.03
    assert [c.data["DisplayName"] for c in books.customers_of(qbo.realm)][-1] == "Batch Co"


def test_batch_items_do_not_see_earlier_items(qbo: flow.Qbo) -> None:
    created = qbo.create("Customer", {"DisplayName": "Seen Co"})
    next_id = str(int(created["Id"]) + 1)
    body = {
        "BatchItemRequest": [
            {"bId": "a", "operation": "create", "Customer": {"DisplayName": "Unseen Co"}},
            {"bId": "b", "operation": "create", "Invoice": flow.invoice_body(customer=next_id)},
        ]
    }
    items = qbo.post("batch", body).json()["BatchItemResponse"]
    assert items[0]["Customer"]["Id"] == next_id
    assert items[1]["Fault"]["Error"][0]["code"] == "2500"


def test_batch_limits(qbo: flow.Qbo, settings: Any) -> None:
    settings.SANDBOX_QUICKBOOKS_BATCH_MAX_ITEMS = 2
    three = [{"bId": str(n), "Query": "select * from Customer"} for n in range(3)]
    response = qbo.post("batch", {"BatchItemRequest": three})
    assert response.status_code == 400
    long_bid = [{"bId": "x" * 11, "Query": "select * from Customer"}]
    assert qbo.post("batch", {"BatchItemRequest": long_bid}).status_code == 400


def test_same_requestid_replays_the_first_answer(qbo: flow.Qbo) -> None:
    first = qbo.post("customer", {"DisplayName": "Once Co"}, "requestid=pb-cust-1")
    again = qbo.post("customer", {"DisplayName": "Once Co"}, "requestid=pb-cust-1")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert sum(c.data["DisplayName"] == "Once Co" for c in books.customers_of(qbo.realm)) == 1
    other = qbo.post("customer", {"DisplayName": "Twice Co"}, "requestid=pb-cust-2")
    assert other.json()["Customer"]["Id"] != first.json()["Customer"]["Id"]


def test_requestid_replays_faults_too_and_is_per_realm(qbo: flow.Qbo, qbo_uk: flow.Qbo) -> None:
    refused = qbo.post("customer", {"DisplayName": "Harbour Build LLC"}, "requestid=dup-1")
    assert refused.status_code == 400
    assert (
        qbo.post("customer", {"DisplayName": "Fresh"}, "requestid=dup-1").json() == refused.json()
    )
    assert qbo_uk.post("customer", {"DisplayName": "Fresh"}, "requestid=dup-1").status_code == 200


def test_requestid_length_limits(qbo: flow.Qbo) -> None:
    assert qbo.post("customer", {"DisplayName": "L"}, "requestid=" + "r" * 51).status_code == 400
    body = {"BatchItemRequest": [{"bId": "1", "Query": "select * from Customer"}]}
    assert qbo.post("batch", body, "requestid=" + "r" * 37).status_code == 400
    assert qbo.post("batch", body, "requestid=" + "r" * 36).status_code == 200


def test_requestid_field_report_modes(qbo: flow.Qbo, settings: Any) -> None:
    settings.SANDBOX_QUICKBOOKS_REQUESTID_MODE = "ignore"
    qbo.post("customer", {"DisplayName": "Dup A"}, "requestid=same")
    second = qbo.post("customer", {"DisplayName": "Dup B"}, "requestid=same")
    assert second.json()["Customer"]["DisplayName"] == "Dup B"
    settings.SANDBOX_QUICKBOOKS_REQUESTID_MODE = "error"
    qbo.post("customer", {"DisplayName": "Dup C"}, "requestid=other")
    repeat = qbo.post("customer", {"DisplayName": "Dup C"}, "requestid=other")
    assert repeat.json()["Fault"]["Error"][0]["code"] == "6000"
    assert inspect.api_call_count(qbo.realm, operation="write") == 4
