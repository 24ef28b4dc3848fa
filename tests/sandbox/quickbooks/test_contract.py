"""Contract tests: every entity the sandbox returns, and every field it accepts, uses only
element and attribute names Intuit's XSD defines for that type."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from sandbox.quickbooks import books, clock
from sandbox.quickbooks.entities.registry import ENVELOPE, KINDS
from tests.sandbox.quickbooks import flow, xsd


@pytest.fixture
def schema(specs_dir: Path) -> Any:
    folder = specs_dir / "quickbooks"
    if not (folder / xsd.ROOT).is_file():
        import os

        reason = f"The QuickBooks XSD {folder / xsd.ROOT} is absent (set SPECS_DIR)."
        if os.environ.get("REQUIRE_SPECS") == "1":
            pytest.fail(f"REQUIRE_SPECS=1 but {reason}")
        pytest.skip(reason)
    return xsd.load(folder)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_accepted_fields_are_xsd_elements_of_the_type(schema: Any, kind: Any) -> None:
    xsd_type = xsd.type_of(schema, kind.name)
    defined = set(xsd.children(xsd_type)) | xsd.attributes(xsd_type)
    assert sorted(kind.accepted - defined) == []
    assert defined >= ENVELOPE


def every_entity(qbo: flow.Qbo, qbo_uk: flow.Qbo) -> list[tuple[str, dict[str, Any]]]:
    """One of everything the API returns, through the API, with as many fields as possible."""
    customer = qbo.create(
        "Customer",
        {
            "DisplayName": "Contract Co",
            "GivenName": "Connie",
            "FamilyName": "Tract",
            "CompanyName": "Contract",
            "PrimaryEmailAddr": {"Address": "c@example.com"},
            "PrimaryPhone": {"FreeFormNumber": "555-0100"},
            "BillAddr": {"Line1": "1 Main St", "City": "Oakland", "PostalCode": "94607"},
            "Notes": "n",
            "Taxable": True,
        },
    )
    invoice = qbo.create(
        "Invoice",
        flow.invoice_body(
            customer=customer["Id"],
            DocNumber="C-1",
            PrivateNote="memo",
            CustomerMemo={"value": "Thanks"},
            BillEmail={"Address": "c@example.com"},
            ClassRef={"value": "1"},
            DepartmentRef={"value": "1"},
        )
        | {
            "Line": flow.invoice_body()["Line"]
            + [{"DetailType": "DescriptionOnly", "Description": "Note line"}]
        },
    )
    link = [{"TxnId": invoice["Id"], "TxnType": "Invoice"}]
    payment = qbo.create(
        "Payment",
        {
            "CustomerRef": {"value": customer["Id"]},
            "TotalAmt": 20,
            "PaymentRefNum": "R1",
            "Line": [{"Amount": 10, "LinkedTxn": link}],
        },
    )
    estimate = qbo.create("Estimate", flow.invoice_body(ExpirationDate="2026-12-31"))
    memo = qbo.create("CreditMemo", flow.invoice_body())
    item = qbo.create(
        "Item",
        {
            "Name": "Contract stock",
            "Type": "Inventory",
            "IncomeAccountRef": {"value": "3"},
            "ExpenseAccountRef": {"value": "8"},
            "AssetAccountRef": {"value": "7"},
            "QtyOnHand": 3,
            "InvStartDate": "2026-01-01",
            "Sku": "CS",
        },
    )
    account = qbo.create("Account", {"Name": "Contract income", "AccountType": "Income"})
    klass = qbo.create("Class", {"Name": "Contract class"})
    department = qbo.create("Department", {"Name": "Contract depot", "ParentRef": {"value": "1"}})
    euro = qbo_uk.create(
        "Customer", {"DisplayName": "Euro Contract", "CurrencyRef": {"value": "EUR"}}
    )
    uk_body = flow.invoice_body(customer=euro["Id"])
    uk_body["Line"][0]["SalesItemLineDetail"]["TaxCodeRef"] = {"value": "3"}
    uk_invoice = qbo_uk.create("Invoice", uk_body)
    deleted = qbo.post(
        "creditmemo", {"Id": memo["Id"], "SyncToken": memo["SyncToken"]}, "operation=delete"
    )
    vendor, order = purchase_order(qbo, account["Id"])
    found = [
        ("Customer", customer),
        ("Invoice", qbo.get(f"invoice/{invoice['Id']}").json()["Invoice"]),
        ("Payment", payment),
        ("Estimate", estimate),
        ("CreditMemo", memo),
        ("CreditMemo", deleted.json()["CreditMemo"]),
        ("Item", item),
        ("Account", account),
        ("Class", klass),
        ("Department", department),
        ("Vendor", vendor),
        ("PurchaseOrder", order),
        ("Invoice", uk_invoice),
        ("CompanyInfo", qbo.get(f"companyinfo/{qbo.realm}").json()["CompanyInfo"]),
        ("Preferences", qbo_uk.get("preferences").json()["Preferences"]),
    ]
    found += time_entities(qbo, customer["Id"])
    for entity in ("TaxCode", "TaxRate", "CompanyCurrency", "Customer", "Item", "Account"):
        for realm in (qbo, qbo_uk):
            statement = "select * from " + entity  # noqa: S608 (not SQL: the sandbox parses it)
            rows = realm.query(statement).json()["QueryResponse"].get(entity, [])
            found += [(entity, row) for row in rows]
    return found


def purchase_order(qbo: flow.Qbo, expense_account: str) -> tuple[dict[str, Any], ...]:
    """A vendor with every field Patchbay sends, and a PO with both kinds of line."""
    vendor = qbo.create(
        "Vendor",
        {
            "DisplayName": "Contract Supplies",
            "CompanyName": "Contract Supplies Ltd",
            "PrimaryEmailAddr": {"Address": "s@example.com"},
            "BillAddr": {"Line1": "2 Dock Rd", "City": "Oakland"},
            "AcctNum": "V-1",
        },
    )
    order = qbo.create(
        "PurchaseOrder",
        {
            "VendorRef": {"value": vendor["Id"]},
            "Memo": "Sub-hire",
            "ExpectedDate": "2026-12-24",
            "Line": [
                {
                    "Amount": 20,
                    "DetailType": "ItemBasedExpenseLineDetail",
                    "ItemBasedExpenseLineDetail": {
                        "ItemRef": {"value": "1"},
                        "Qty": 2,
                        "UnitPrice": 10,
                        "BillableStatus": "NotBillable",
                    },
                },
                {
                    "Amount": 5,
                    "Description": "Van",
                    "DetailType": "AccountBasedExpenseLineDetail",
                    "AccountBasedExpenseLineDetail": {"AccountRef": {"value": expense_account}},
                },
            ],
        },
    )
    return vendor, order


def time_entities(qbo: flow.Qbo, customer: str) -> list[tuple[str, dict[str, Any]]]:
    """An employee, a vendor and their time, with as many fields as the sandbox keeps."""
    employee = qbo.create(
        "Employee",
        {
            "GivenName": "Con",
            "FamilyName": "Tractor",
            "EmployeeNumber": "C-1",
            "PrimaryEmailAddr": {"Address": "con@example.com"},
            "BillableTime": True,
            "BillRate": 55,
            "HiredDate": "2026-01-05",
        },
    )
    vendor = qbo.create("Vendor", {"CompanyName": "Contract Crew LLC"})
    billed = qbo.create(
        "TimeActivity",
        {
            "NameOf": "Employee",
            "EmployeeRef": {"value": employee["Id"]},
            "CustomerRef": {"value": customer},
            "ItemRef": {"value": "2"},
            "ClassRef": {"value": "1"},
            "DepartmentRef": {"value": "1"},
            "BillableStatus": "Billable",
            "HourlyRate": 55,
            "CostRate": 30,
            "StartTime": "2026-11-30T08:00:00-08:00",
            "EndTime": "2026-11-30T17:00:00-08:00",
            "BreakHours": 1,
            "Description": "TS-00001",
        },
    )
    freelance = qbo.create(
        "TimeActivity",
        {"NameOf": "Vendor", "VendorRef": {"value": vendor["Id"]}, "Hours": 4, "Minutes": 15},
    )
    return [
        ("Employee", employee),
        ("Vendor", vendor),
        ("TimeActivity", billed),
        ("TimeActivity", freelance),
    ]


def test_every_entity_returned_uses_only_xsd_names(
    schema: Any, qbo: flow.Qbo, qbo_uk: flow.Qbo, settings: Any
) -> None:
    settings.SANDBOX_QUICKBOOKS_SECOND_LIMIT = 1000  # many calls in a second, on purpose
    entities = every_entity(qbo, qbo_uk)
    assert {name for name, _ in entities} == {kind.name for kind in KINDS}
    problems = [
        problem for name, body in entities for problem in xsd.unknown_names(schema, name, body)
    ]
    assert problems == []


def test_envelopes_use_only_xsd_names(schema: Any, qbo: flow.Qbo) -> None:
    fault = qbo.post("customer", {"DisplayName": "Harbour Build LLC"}).json()["Fault"]
    query = qbo.query("select * from Customer maxresults 1").json()["QueryResponse"]
    since = clock.wire(timezone.now() - timedelta(hours=1))
    cdc = qbo.get("cdc", {"entities": "Customer,Invoice", "changedSince": since}).json()
    batch = qbo.post(
        "batch", {"BatchItemRequest": [{"bId": "1", "Query": "select * from Item"}]}
    ).json()
    assert xsd.unknown_names(schema, "Fault", fault) == []
    assert xsd.unknown_names(schema, "QueryResponse", query) == []
    assert cdc["CDCResponse"][0]["QueryResponse"][0]["Customer"]
    assert xsd.unknown_names(schema, "CDCResponse", cdc["CDCResponse"]) == []
    assert xsd.unknown_names(schema, "BatchItemResponse", batch["BatchItemResponse"]) == []


def test_the_checker_catches_a_made_up_name(schema: Any, world: None) -> None:
    body = books.entity_json(flow.US_REALM, "Invoice", "1") | {"MadeUp": 1}
    body["Line"][0]["SalesItemLineDetail"]["Nope"] = 2
    assert xsd.unknown_names(schema, "Invoice", body) == [
        "Invoice.Line.SalesItemLineDetail.Nope",
        "Invoice.MadeUp",
    ]
