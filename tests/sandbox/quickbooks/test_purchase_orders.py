"""The sandbox's Vendor and PurchaseOrder: create, read, query, update with SyncToken,
delete, and CDC (deletes as stubs)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from sandbox.quickbooks import clock
from tests.sandbox.quickbooks import flow


def vendor(qbo: flow.Qbo, name: str = "Northern Backline") -> dict[str, Any]:
    return qbo.create("Vendor", {"DisplayName": name, "PrimaryEmailAddr": {"Address": "a@b.c"}})


def order_body(vendor_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "VendorRef": {"value": vendor_id},
        "Line": [
            {
                "Amount": 190,
                "Description": "Line array",
                "DetailType": "AccountBasedExpenseLineDetail",
                "AccountBasedExpenseLineDetail": {"AccountRef": {"value": "9"}},
            }
        ],
        **extra,
    }


def test_a_purchase_order_is_numbered_totalled_and_open(qbo: flow.Qbo) -> None:
    supplier = vendor(qbo)
    order = qbo.create("PurchaseOrder", order_body(supplier["Id"]))
    assert order["DocNumber"] == "1001"
    assert order["TotalAmt"] == 190
    assert order["POStatus"] == "Open"
    assert order["VendorRef"] == {"value": supplier["Id"], "name": "Northern Backline"}
    assert order["Line"][0]["AccountBasedExpenseLineDetail"]["AccountRef"]["value"] == "9"
    read = qbo.get(f"purchaseorder/{order['Id']}").json()["PurchaseOrder"]
    assert read["Id"] == order["Id"] and read["SyncToken"] == "0"


def test_vendor_names_are_unique_across_customers_and_vendors(qbo: flow.Qbo) -> None:
    qbo.create("Customer", {"DisplayName": "Both Ways Ltd"})
    clash = qbo.post("vendor", {"DisplayName": "Both Ways Ltd"})
    assert clash.status_code == 400
    assert clash.json()["Fault"]["Error"][0]["code"] == "6240"
    vendor(qbo, "Only A Vendor")
    assert qbo.post("customer", {"DisplayName": "only a vendor"}).status_code == 400


def test_a_purchase_order_needs_a_known_vendor_and_an_expense_line(qbo: flow.Qbo) -> None:
    missing = qbo.post("purchaseorder", order_body("999"))
    assert missing.json()["Fault"]["Error"][0]["code"] == "2500"
    supplier = vendor(qbo)
    sales_line = order_body(supplier["Id"])
    sales_line["Line"][0]["DetailType"] = "SalesItemLineDetail"
    refused = qbo.post("purchaseorder", sales_line)
    assert refused.status_code == 400
    assert "not allowed on a PurchaseOrder" in refused.json()["Fault"]["Error"][0]["Detail"]


def test_update_needs_the_current_sync_token(qbo: flow.Qbo) -> None:
    order = qbo.create("PurchaseOrder", order_body(vendor(qbo)["Id"]))
    changed = qbo.post("purchaseorder", {**order, "Memo": "Changed", "POStatus": "Closed"}).json()[
        "PurchaseOrder"
    ]
    assert changed["SyncToken"] == "1" and changed["POStatus"] == "Closed"
    stale = qbo.post("purchaseorder", {**order, "Memo": "Again"})
    assert stale.json()["Fault"]["Error"][0]["code"] == "5010"


def test_query_and_cdc_report_orders_and_deleted_stubs(qbo: flow.Qbo) -> None:
    since = clock.wire(timezone.now() - timedelta(minutes=1))
    supplier = vendor(qbo)
    kept = qbo.create("PurchaseOrder", order_body(supplier["Id"]))
    gone = qbo.create("PurchaseOrder", order_body(supplier["Id"]))
    deleted = qbo.post(
        "purchaseorder", {"Id": gone["Id"], "SyncToken": gone["SyncToken"]}, "operation=delete"
    )
    assert deleted.json()["PurchaseOrder"]["status"] == "Deleted"
    rows = qbo.query("select * from PurchaseOrder").json()["QueryResponse"]["PurchaseOrder"]
    assert [row["Id"] for row in rows] == [kept["Id"]]
    vendors = qbo.query("select * from Vendor where DisplayName = 'Northern Backline'")
    assert vendors.json()["QueryResponse"]["Vendor"][0]["Id"] == supplier["Id"]
    cdc = qbo.get("cdc", {"entities": "PurchaseOrder,Vendor", "changedSince": since}).json()
    blocks = cdc["CDCResponse"][0]["QueryResponse"]
    orders = {row["Id"]: row for row in blocks[0]["PurchaseOrder"]}
    assert orders[gone["Id"]]["status"] == "Deleted" and kept["Id"] in orders
    # The company's seeded freelance vendor may be listed too (it was made when the
    # books were), so look for the supplier among them.
    assert supplier["Id"] in [row["Id"] for row in blocks[1]["Vendor"]]
