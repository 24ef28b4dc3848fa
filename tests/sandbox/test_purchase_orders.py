"""The Xero sandbox's purchase orders: numbered, totalled with purchase tax, listed by
If-Modified-Since, Status and page, replayed by Idempotency-Key, and deleted for good."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tests.sandbox import flow
from tests.sandbox.accounting import BRIGHT_LIGHTS, errors_of, line


def order(**overrides: object) -> dict[str, Any]:
    body: dict[str, Any] = {
        "Contact": {"ContactID": BRIGHT_LIGHTS},
        "Date": "2026-05-20",
        "DeliveryDate": "2026-05-24",
        "Status": "DRAFT",
        "LineItems": [line(Quantity=2, UnitAmount=95, AccountCode="310", TaxType="INPUT2")],
    }
    body.update(overrides)
    return body


def create(xero: flow.Xero, *bodies: dict[str, Any], **headers: str) -> list[dict[str, Any]]:
    response = xero.put("PurchaseOrders", {"PurchaseOrders": list(bodies)}, headers=headers)
    assert response.status_code == 200, response.content
    created: list[dict[str, Any]] = response.json()["PurchaseOrders"]
    return created


def test_an_order_is_numbered_and_totalled_with_purchase_tax(xero: flow.Xero) -> None:
    [first, second] = create(xero, order(), order(PurchaseOrderNumber="PB-PO-7"))
    assert first["PurchaseOrderNumber"] == "PO-0001" and second["PurchaseOrderNumber"] == "PB-PO-7"
    assert (first["SubTotal"], first["TotalTax"], first["Total"]) == (190, 38, 228)
    assert first["Status"] == "DRAFT" and first["Contact"]["ContactID"] == BRIGHT_LIGHTS
    assert first["DeliveryDateString"].startswith("2026-05-24")


def test_an_unknown_account_and_a_billed_or_deleted_start_are_refused(xero: flow.Xero) -> None:
    bad = [line(AccountCode="999")]
    response = xero.put(
        "PurchaseOrders",
        {"PurchaseOrders": [order(LineItems=bad), order(Status="BILLED")]},
        params="summarizeErrors=false",
    )
    [unknown, billed] = response.json()["PurchaseOrders"]
    assert unknown["StatusAttributeString"] == "ERROR" and errors_of(unknown)
    assert errors_of(billed) == ["A new purchase order cannot have status BILLED."]


def test_the_same_idempotency_key_replays_instead_of_creating_twice(xero: flow.Xero) -> None:
    key = {"Idempotency-Key": "pb-po-1-v1"}
    [first] = create(xero, order(), **key)
    [again] = create(xero, order(), **key)
    assert again["PurchaseOrderID"] == first["PurchaseOrderID"]
    assert len(xero.get("PurchaseOrders").json()["PurchaseOrders"]) == 1


def test_lists_filter_by_modified_since_status_and_page(xero: flow.Xero) -> None:
    created = create(xero, order(), order(), order())
    gone = created[0]["PurchaseOrderID"]
    deleted = xero.post(f"PurchaseOrders/{gone}", {"PurchaseOrders": [{"Status": "DELETED"}]})
    assert deleted.json()["PurchaseOrders"][0]["Status"] == "DELETED"
    only_deleted = xero.get("PurchaseOrders", {"Status": "DELETED"}).json()["PurchaseOrders"]
    assert [row["PurchaseOrderID"] for row in only_deleted] == [gone]
    paged = xero.get("PurchaseOrders", {"page": "2", "pageSize": "2"}).json()
    assert len(paged["PurchaseOrders"]) == 1 and paged["pagination"]["itemCount"] == 3
    later = (timezone.now() + timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    quiet = xero.get("PurchaseOrders", headers={"If-Modified-Since": later}).json()
    assert quiet["PurchaseOrders"] == []


def test_a_deleted_order_can_no_longer_be_changed(xero: flow.Xero) -> None:
    [created] = create(xero, order(Status="AUTHORISED"))
    path = f"PurchaseOrders/{created['PurchaseOrderID']}"
    xero.post(path, {"PurchaseOrders": [{"Status": "DELETED"}]})
    again = xero.post(path, {"PurchaseOrders": [{"Reference": "x"}]})
    assert again.status_code == 400
    assert "has been deleted" in again.content.decode()
