"""Holds the accounting API's responses, and the requests a client sends, against Xero's
official OpenAPI description (xero_accounting.yaml), validated with openapi-core.

The spec is read in place from settings.SPECS_DIR and parsed once per session.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from sandbox.xero import books, scopes
from sandbox.xero.seed import DEMO_COMPANY_UK
from tests.sandbox import flow
from tests.sandbox.accounting import (
    BRIGHT_LIGHTS,
    authorised_invoice,
    create_invoices,
    invoice,
    line,
    payment,
)
from tests.sandbox.specs import load

XERO = "https://api.xero.com"
BASE = "/api.xro/2.0"

CONTACT = {
    "Name": "Stagecraft Ltd",
    "ContactNumber": "PB-C-42",
    "EmailAddress": "ap@stagecraft.test",
    "Addresses": [{"AddressType": "POBOX", "AddressLine1": "1 Quay St", "City": "Bristol"}],
    "Phones": [{"PhoneType": "DEFAULT", "PhoneNumber": "0117 496 0000"}],
}
ITEM = {
    "Code": "MIC-SM58",
    "Name": "SM58 microphone",
    "Description": "Vocal microphone, daily hire",
    "SalesDetails": {"UnitPrice": 8.5, "AccountCode": "205", "TaxType": "OUTPUT2"},
}
CREDIT_NOTE = {
    "Type": "ACCRECCREDIT",
    "Contact": {"ContactID": BRIGHT_LIGHTS},
    "Date": "2026-05-20",
    "Status": "AUTHORISED",
    "LineAmountTypes": "Exclusive",
    "LineItems": [line(Quantity=1, UnitAmount=100)],
}

PURCHASE_ORDER = {
    "Contact": {"ContactID": BRIGHT_LIGHTS},
    "Date": "2026-05-20",
    "DeliveryDate": "2026-05-24",
    "Reference": "Patchbay purchase order PO-0001",
    "Status": "AUTHORISED",
    "LineAmountTypes": "Exclusive",
    "LineItems": [line(Quantity=2, UnitAmount=95, AccountCode="310", TaxType="INPUT2")],
}


@pytest.fixture(scope="session")
def openapi(specs_dir: Path) -> OpenAPI:
    spec = load(specs_dir / "xero" / "xero_accounting.yaml")
    # The spec itself is Xero's to validate; only the traffic is checked here.
    return OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))


def request_for(
    method: str, path: str, body: Any = None, query: dict[str, str] | None = None
) -> MockRequest:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"xero-tenant-id": str(DEMO_COMPANY_UK), "Content-Type": "application/json"}
    return MockRequest(XERO, method, f"{BASE}/{path}", args=query, headers=headers, data=data)


def assert_response(
    openapi: OpenAPI, method: str, path: str, response: Any, query: dict[str, str] | None = None
) -> None:
    content_type = "application/json" if response.content else None
    sent = MockResponse(
        response.content, status_code=response.status_code, content_type=content_type or ""
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # openapi-core does not model OAuth2
        openapi.validate_response(request_for(method, path, query=query), sent)


def assert_request(
    openapi: OpenAPI, method: str, path: str, body: Any, query: dict[str, str] | None = None
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        openapi.validate_request(request_for(method, path, body, query))


@pytest.fixture
def busy(xero: flow.Xero) -> dict[str, Any]:
    """Books with one of everything: contact, item, invoices, payment, credit note, allocation."""
    contact = xero.put("Contacts", {"Contacts": [CONTACT]}).json()["Contacts"][0]
    item = xero.put("Items", {"Items": [ITEM]}).json()["Items"][0]
    [draft] = create_invoices(xero, invoice(Reference="draft"))
    paid = authorised_invoice(xero)
    paying = xero.put("Payments", {"Payments": [payment(paid["InvoiceID"], 100)]}).json()[
        "Payments"
    ][0]
    note = xero.put("CreditNotes", {"CreditNotes": [CREDIT_NOTE]}).json()["CreditNotes"][0]
    allocation = {
        "Allocations": [
            {"Amount": 50, "Invoice": {"InvoiceID": paid["InvoiceID"]}, "Date": "2026-05-21"}
        ]
    }
    xero.put(f"CreditNotes/{note['CreditNoteID']}/Allocations", allocation)
    order = xero.put("PurchaseOrders", {"PurchaseOrders": [PURCHASE_ORDER]}).json()
    return {
        "purchase_order": order["PurchaseOrders"][0],
        "contact": contact,
        "item": item,
        "draft": draft,
        "invoice": paid,
        "payment": paying,
        "note": note,
    }


LISTS = [
    ("Accounts", {}),
    ("Accounts", {"where": 'Type=="BANK"'}),
    ("TaxRates", {}),
    ("Items", {}),
    ("Contacts", {}),
    ("Contacts", {"page": "1", "includeArchived": "true"}),
    ("Contacts", {"summaryOnly": "true"}),
    ("Invoices", {}),
    ("Invoices", {"page": "1", "pageSize": "10", "order": "UpdatedDateUTC ASC"}),
    ("Invoices", {"page": "1", "summaryOnly": "true", "Statuses": "AUTHORISED,DRAFT"}),
    ("Payments", {}),
    ("Payments", {"page": "1"}),
    ("CreditNotes", {}),
    ("CreditNotes", {"page": "1"}),
    ("PurchaseOrders", {}),
    ("PurchaseOrders", {"page": "1", "pageSize": "10", "order": "UpdatedDateUTC ASC"}),
    ("PurchaseOrders", {"Status": "DELETED"}),
]


@pytest.mark.parametrize(("path", "query"), LISTS)
def test_get_lists_match_the_spec(
    openapi: OpenAPI, xero: flow.Xero, busy: dict[str, Any], path: str, query: dict[str, Any]
) -> None:
    response = xero.get(path, query)
    assert response.status_code == 200
    assert_response(openapi, "get", path, response, query)


# The sync's read of documents deleted or voided in Xero (XeroAdapter.removed); for
# invoices, the same read feeds the ledger mirror.
REMOVAL_READS = [
    ("Invoices", {"page": "1", "pageSize": "1000", "order": "UpdatedDateUTC ASC"}, "Statuses"),
    ("CreditNotes", {"page": "1", "pageSize": "1000", "order": "UpdatedDateUTC ASC"}, "where"),
]


@pytest.mark.parametrize(("path", "query", "narrowed_by"), REMOVAL_READS)
def test_the_read_of_removed_documents_matches_the_spec_and_finds_them(
    openapi: OpenAPI,
    xero: flow.Xero,
    busy: dict[str, Any],
    path: str,
    query: dict[str, str],
    narrowed_by: str,
) -> None:
    from accounting.models import Entity
    from accounting.providers.xero.adapter import REMOVED_FILTERS

    books.delete_draft(DEMO_COMPANY_UK, busy["draft"]["InvoiceID"])
    entity = Entity.INVOICE if path == "Invoices" else Entity.CREDIT_NOTE
    filters = REMOVED_FILTERS[entity]
    assert list(filters) == [narrowed_by]
    response = xero.get(path, query | filters)
    assert response.status_code == 200
    assert_request(openapi, "get", path, None, query | filters)
    assert_response(openapi, "get", path, response, query | filters)
    rows = response.json()[path]
    statuses = {row["Status"] for row in rows}
    if path == "CreditNotes":
        assert statuses <= {"DELETED", "VOIDED"}
        return
    # The invoices' read also serves the ledger mirror (every status but a draft's),
    # and removals are judged row by row: the deleted draft is among them, no draft is.
    assert statuses <= {"AUTHORISED", "PAID", "DELETED", "VOIDED"}
    deleted = {row["InvoiceID"] for row in rows if row["Status"] == "DELETED"}
    assert busy["draft"]["InvoiceID"] in deleted


def test_single_gets_match_the_spec(
    openapi: OpenAPI, xero: flow.Xero, busy: dict[str, Any]
) -> None:
    for path in (
        f"Contacts/{busy['contact']['ContactID']}",
        f"Items/{busy['item']['ItemID']}",
        f"Invoices/{busy['invoice']['InvoiceID']}",
        f"Payments/{busy['payment']['PaymentID']}",
        f"CreditNotes/{busy['note']['CreditNoteID']}",
        f"PurchaseOrders/{busy['purchase_order']['PurchaseOrderID']}",
    ):
        response = xero.get(path)
        assert response.status_code == 200, path
        assert_response(openapi, "get", path, response)


def test_write_results_match_the_spec(
    openapi: OpenAPI, xero: flow.Xero, busy: dict[str, Any]
) -> None:
    no_errors = {"summarizeErrors": "false"}
    writes: list[tuple[str, str, Any, dict[str, str]]] = [
        ("put", "Contacts", {"Contacts": [{"Name": "New Co"}, {"Name": ""}]}, no_errors),
        (
            "post",
            "Contacts",
            {"Contacts": [{"ContactID": BRIGHT_LIGHTS, "EmailAddress": "a@b.test"}]},
            {},
        ),
        (
            "post",
            f"Contacts/{busy['contact']['ContactID']}",
            {"Contacts": [{"Name": "Stagecraft Group"}]},
            {},
        ),
        ("put", "Items", {"Items": [{"Code": "NEW-1"}, {"Code": "MIC-SM58"}]}, no_errors),
        (
            "post",
            f"Items/{busy['item']['ItemID']}",
            {"Items": [{"Code": "MIC-SM58", "Name": "Mic"}]},
            {},
        ),
        ("put", "Invoices", {"Invoices": [invoice(), invoice(Contact={})]}, no_errors),
        (
            "post",
            "Invoices",
            {"Invoices": [{"InvoiceID": busy["draft"]["InvoiceID"], "Reference": "r"}]},
            {},
        ),
        (
            "post",
            f"Invoices/{busy['draft']['InvoiceID']}",
            {"Invoices": [{"Status": "AUTHORISED"}]},
            {},
        ),
        (
            "put",
            "Payments",
            {
                "Payments": [
                    payment(busy["invoice"]["InvoiceID"], 1),
                    payment(busy["invoice"]["InvoiceID"], 1e6),
                ]
            },
            no_errors,
        ),
        ("post", "Payments", payment(busy["invoice"]["InvoiceID"], 1), {}),
        ("post", f"Payments/{busy['payment']['PaymentID']}", {"Status": "DELETED"}, {}),
        (
            "put",
            "CreditNotes",
            {"CreditNotes": [CREDIT_NOTE, dict(CREDIT_NOTE, Contact={})]},
            no_errors,
        ),
        (
            "post",
            f"CreditNotes/{busy['note']['CreditNoteID']}",
            {"CreditNotes": [{"Reference": "x"}]},
            {},
        ),
        (
            "put",
            "PurchaseOrders",
            {"PurchaseOrders": [PURCHASE_ORDER, dict(PURCHASE_ORDER, Contact={})]},
            no_errors,
        ),
        (
            "post",
            f"PurchaseOrders/{busy['purchase_order']['PurchaseOrderID']}",
            {"PurchaseOrders": [{"Status": "DELETED"}]},
            {},
        ),
    ]
    for method, path, body, query in writes:
        params = "&".join(f"{key}={value}" for key, value in query.items())
        response = getattr(xero, method)(path, body, params=params)
        assert response.status_code in {200, 400}, (path, response.content)
        assert_response(openapi, method, path, response, query)


def test_allocation_results_match_the_spec(
    openapi: OpenAPI, xero: flow.Xero, busy: dict[str, Any]
) -> None:
    path = f"CreditNotes/{busy['note']['CreditNoteID']}/Allocations"
    good = {
        "Amount": 10,
        "Invoice": {"InvoiceID": busy["invoice"]["InvoiceID"]},
        "Date": "2026-05-22",
    }
    bad = {
        "Amount": 1e6,
        "Invoice": {"InvoiceID": busy["invoice"]["InvoiceID"]},
        "Date": "2026-05-22",
    }
    response = xero.put(path, {"Allocations": [good, bad]}, params="summarizeErrors=false")
    assert response.status_code == 200
    assert_response(openapi, "put", path, response, {"summarizeErrors": "false"})


def test_deleting_an_item_matches_the_spec(
    openapi: OpenAPI, xero: flow.Xero, busy: dict[str, Any]
) -> None:
    path = f"Items/{busy['item']['ItemID']}"
    response = xero.delete(path)
    assert response.status_code == 204
    assert_response(openapi, "delete", path, response)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("put", "Invoices", {"Invoices": [invoice(LineItems=[line(AccountCode="999")])]}),
        ("put", "Contacts", {"Contacts": [{"Name": "Bright Lights Events Ltd"}]}),
        ("put", "Items", {"Items": [{"Code": "SL19-DAY"}]}),
        ("put", "Payments", {"Payments": [payment("8a3a4078-1954-4cfe-ba6a-63ecd5debdd1", 5)]}),
        ("put", "CreditNotes", {"CreditNotes": [dict(CREDIT_NOTE, Contact={})]}),
    ],
)
def test_validation_exceptions_match_the_error_schema(
    openapi: OpenAPI, xero: flow.Xero, method: str, path: str, body: dict[str, Any]
) -> None:
    response = getattr(xero, method)(path, body)
    assert response.status_code == 400
    assert response.json()["Type"] == "ValidationException"
    assert_response(openapi, method, path, response)


@pytest.mark.parametrize(
    ("method", "path", "body", "query"),
    [
        (
            "put",
            "Invoices",
            {"Invoices": [invoice(), invoice(Reference="PB-2")]},
            {"summarizeErrors": "false"},
        ),
        (
            "post",
            "Invoices",
            {"Invoices": [invoice(InvoiceID="035fc1b7-f527-4a75-855c-a402c2a38a11")]},
            {},
        ),
        (
            "put",
            "Payments",
            {"Payments": [payment("035fc1b7-f527-4a75-855c-a402c2a38a11", 100.5)]},
            {},
        ),
        ("post", "Payments", payment("035fc1b7-f527-4a75-855c-a402c2a38a11", 100.5), {}),
        ("post", "Payments/035fc1b7-f527-4a75-855c-a402c2a38a11", {"Status": "DELETED"}, {}),
        ("put", "Contacts", {"Contacts": [CONTACT]}, {"summarizeErrors": "false"}),
        ("post", "Contacts", {"Contacts": [dict(CONTACT, ContactID=BRIGHT_LIGHTS)]}, {}),
        ("put", "Items", {"Items": [ITEM]}, {}),
        ("put", "CreditNotes", {"CreditNotes": [CREDIT_NOTE]}, {}),
        (
            "put",
            "CreditNotes/035fc1b7-f527-4a75-855c-a402c2a38a11/Allocations",
            {
                "Allocations": [
                    {"Amount": 10, "Invoice": {"InvoiceID": BRIGHT_LIGHTS}, "Date": "2026-05-22"}
                ]
            },
            {},
        ),
    ],
)
def test_the_bodies_a_client_sends_are_valid_requests(
    openapi: OpenAPI,
    xero: flow.Xero,
    method: str,
    path: str,
    body: dict[str, Any],
    query: dict[str, Any],
) -> None:
    assert_request(openapi, method, path, body, query)


def test_the_request_validator_refuses_read_only_fields(openapi: OpenAPI) -> None:
    with pytest.raises(Exception, match="read-only"):
        assert_request(openapi, "put", "Invoices", {"Invoices": [invoice(Total=510)]})


SPEC_PATHS = {
    "accounts": "/Accounts",
    "tax-rates": "/TaxRates",
    "contacts": "/Contacts",
    "contact": "/Contacts/{ContactID}",
    "items": "/Items",
    "item": "/Items/{ItemID}",
    "invoices": "/Invoices",
    "invoice": "/Invoices/{InvoiceID}",
    "payments": "/Payments",
    "payment": "/Payments/{PaymentID}",
    "credit-notes": "/CreditNotes",
    "credit-note": "/CreditNotes/{CreditNoteID}",
    "allocations": "/CreditNotes/{CreditNoteID}/Allocations",
    "purchase-orders": "/PurchaseOrders",
    "purchase-order": "/PurchaseOrders/{PurchaseOrderID}",
}
NEEDS = {
    "Accounts": scopes.SETTINGS,
    "TaxRates": scopes.SETTINGS,
    "Contacts": scopes.CONTACTS,
    "Items": scopes.ITEMS,
    "Invoices": scopes.INVOICES,
    "Payments": scopes.PAYMENTS,
    "CreditNotes": scopes.INVOICES,
    "PurchaseOrders": scopes.INVOICES,
}


ROUTE_ARGUMENTS = {
    "contact": "contact_id",
    "item": "item_id",
    "invoice": "invoice_id",
    "payment": "payment_id",
    "credit-note": "credit_note_id",
    "allocations": "credit_note_id",
    "purchase-order": "purchase_order_id",
}


def _sandbox_methods(client: Any) -> dict[str, set[str]]:
    """What each sandbox route allows, from the Allow header of its 405 to OPTIONS."""
    found: dict[str, set[str]] = {}
    for name in SPEC_PATHS:
        argument = ROUTE_ARGUMENTS.get(name)
        url = reverse(f"sandbox:xero:{name}", kwargs={argument: "x"} if argument else None)
        allowed = client.options(url)["Allow"]
        found[name] = {method.strip().lower() for method in allowed.split(",")}
    return found


def test_every_endpoint_and_method_is_in_the_spec_with_its_scopes(
    specs_dir: Path, app: Any
) -> None:
    spec = load(specs_dir / "xero" / "xero_accounting.yaml")
    methods = _sandbox_methods(app)
    assert set(methods) == set(SPEC_PATHS)
    for name, path in SPEC_PATHS.items():
        for method in methods[name]:
            operation = spec["paths"][path][method]
            granted = set(operation["security"][0]["OAuth2"])
            resource = path.split("/")[1]
            needs = NEEDS[resource].read if method == "get" else NEEDS[resource].write
            assert granted <= needs, f"{method.upper()} {path} must accept {granted}"


def test_the_bookkeepers_invoice_matches_the_spec(
    openapi: OpenAPI, xero: flow.Xero, busy: dict[str, Any]
) -> None:
    found = books.invoice_json(DEMO_COMPANY_UK, busy["invoice"]["InvoiceID"])
    body = json.dumps({"Invoices": [found]}).encode()
    sent = MockResponse(body, status_code=200, content_type="application/json")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        openapi.validate_response(request_for("get", f"Invoices/{found['InvoiceID']}"), sent)
