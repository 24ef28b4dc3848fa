"""Paging, If-Modified-Since and order: what an incremental sync relies on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine
from django.utils import timezone

from sandbox.xero import books
from sandbox.xero.accounting.models import XeroInvoice
from sandbox.xero.seed import DEMO_COMPANY_UK
from tests.sandbox import flow
from tests.sandbox.accounting import create_invoices, invoice

START = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def make(xero: flow.Xero, count: int) -> list[dict[str, Any]]:
    created: list[dict[str, Any]] = []
    for start in range(0, count, 50):
        batch = [invoice(Reference=f"PB-{n}") for n in range(start, min(count, start + 50))]
        created += create_invoices(xero, *batch)
    return created


def test_pages_of_100_by_default_with_the_pagination_object(xero: flow.Xero) -> None:
    make(xero, 130)
    first = xero.get("Invoices", {"page": 1}).json()
    second = xero.get("Invoices", {"page": "2"}).json()
    assert len(first["Invoices"]) == 100 and len(second["Invoices"]) == 30
    assert first["pagination"] == {"page": 1, "pageSize": 100, "pageCount": 2, "itemCount": 130}
    assert second["pagination"]["page"] == 2
    assert all(item["LineItems"] for item in first["Invoices"])


def test_a_page_past_the_end_is_empty(xero: flow.Xero) -> None:
    make(xero, 3)
    past = xero.get("Invoices", {"page": 2}).json()
    assert past["Invoices"] == [] and past["pagination"]["itemCount"] == 3


def test_page_size_is_capped_at_1000(xero: flow.Xero) -> None:
    make(xero, 5)
    body = xero.get("Invoices", {"page": 1, "pageSize": 5000}).json()
    assert body["pagination"]["pageSize"] == 1000
    small = xero.get("Invoices", {"page": 2, "pageSize": 2}).json()
    assert [item["Reference"] for item in small["Invoices"]] == ["PB-2", "PB-3"]
    assert xero.get("Invoices", {"page": "one"}).status_code == 400


def test_the_whole_list_leaves_out_line_items_and_pagination(xero: flow.Xero) -> None:
    make(xero, 2)
    body = xero.get("Invoices").json()
    assert "pagination" not in body
    assert all("LineItems" not in item for item in body["Invoices"])
    summary = xero.get("Invoices", {"page": 1, "summaryOnly": "true"}).json()["Invoices"][0]
    assert "LineItems" not in summary and "Payments" not in summary


def test_if_modified_since_is_inclusive_and_records_may_share_a_stamp(xero: flow.Xero) -> None:
    with time_machine.travel(START, tick=False):
        created = make(xero, 3)
    stamps = {item["UpdatedDateUTC"] for item in created}
    assert len(stamps) == 1, "one batch, one timestamp"
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        [later] = make(xero, 1)
    since = {"If-Modified-Since": START.isoformat()}
    assert len(xero.get("Invoices", headers=since).json()["Invoices"]) == 4
    after = {"If-Modified-Since": (START + timedelta(milliseconds=1)).isoformat()}
    listed = xero.get("Invoices", headers=after).json()["Invoices"]
    assert [item["InvoiceID"] for item in listed] == [later["InvoiceID"]]


def test_if_modified_since_accepts_xeros_example_format_and_http_dates(xero: flow.Xero) -> None:
    with time_machine.travel(START, tick=False):
        make(xero, 1)
    for value in (
        "2026-05-04T01:00:00.000-08:00",
        "Mon, 04 May 2026 08:59:00 GMT",
        "2026-05-04T08:59:00",
    ):
        assert (
            len(xero.get("Invoices", headers={"If-Modified-Since": value}).json()["Invoices"]) == 1
        )
    assert xero.get("Invoices", headers={"If-Modified-Since": "yesterday"}).status_code == 400


def test_order_by_updated_date_puts_a_bookkeepers_edit_last(xero: flow.Xero) -> None:
    with time_machine.travel(START, tick=False):
        first, second = make(xero, 2)
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        books.edit_invoice(DEMO_COMPANY_UK, first["InvoiceID"], reference="edited in Xero")
    params = {"order": "UpdatedDateUTC ASC", "page": 1}
    listed = xero.get("Invoices", params).json()["Invoices"]
    assert [item["InvoiceID"] for item in listed] == [second["InvoiceID"], first["InvoiceID"]]
    descending = xero.get("Invoices", {"order": "UpdatedDateUTC DESC"}).json()["Invoices"]
    assert descending[0]["InvoiceID"] == first["InvoiceID"]
    assert xero.get("Invoices", {"order": "Colour ASC"}).json()["Type"] == "QueryParseException"


def test_deletes_and_voids_show_up_as_status_changes(xero: flow.Xero) -> None:
    with time_machine.travel(START, tick=False):
        draft, authorised = make(xero, 2)
        books.authorise_invoice(DEMO_COMPANY_UK, authorised["InvoiceID"])
    cursor = START + timedelta(minutes=1)
    with time_machine.travel(cursor + timedelta(minutes=1), tick=False):
        books.delete_draft(DEMO_COMPANY_UK, draft["InvoiceID"])
        books.void_invoice(DEMO_COMPANY_UK, authorised["InvoiceID"])
    changed = xero.get("Invoices", headers={"If-Modified-Since": cursor.isoformat()}).json()
    assert sorted(item["Status"] for item in changed["Invoices"]) == ["DELETED", "VOIDED"]


def test_paging_with_if_modified_since_walks_every_record_once(xero: flow.Xero) -> None:
    make(xero, 25)
    seen: list[str] = []
    page = 1
    while True:
        params = {"page": page, "pageSize": 10, "order": "UpdatedDateUTC ASC"}
        found = xero.get("Invoices", params, headers={"If-Modified-Since": "2020-01-01T00:00:00"})
        items = found.json()["Invoices"]
        if not items:
            break
        seen += [item["InvoiceID"] for item in items]
        page += 1
    assert len(seen) == len(set(seen)) == XeroInvoice.objects.count() == 25


def test_contacts_and_payments_page_too(xero: flow.Xero) -> None:
    body = xero.get("Contacts", {"page": 1, "pageSize": 2}).json()
    assert len(body["Contacts"]) == 2 and body["pagination"]["itemCount"] == 4
    assert xero.get("Payments", {"page": 1}).json()["pagination"]["itemCount"] == 0


def test_accounts_and_items_ignore_paging_but_honour_if_modified_since(xero: flow.Xero) -> None:
    accounts = xero.get("Accounts", {"page": 1}).json()
    assert "pagination" not in accounts and len(accounts["Accounts"]) > 30
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert xero.get("Accounts", headers={"If-Modified-Since": later}).json()["Accounts"] == []
    assert xero.get("Items", headers={"If-Modified-Since": later}).json()["Items"] == []
    # Tax rates have no UpdatedDateUTC: the header does not filter them.
    assert xero.get("TaxRates", headers={"If-Modified-Since": later}).json()["TaxRates"]
