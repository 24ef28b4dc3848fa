"""Listing: the paging envelope, attributes, incremental and deleted-records filters."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from sandbox.sage import books
from sandbox.sage.seed import DEMO_HIRE_UK
from tests.sandbox.sage import flow
from tests.sandbox.sage.books_data import create_invoice, problems


def test_the_envelope_and_minimal_items(sage: flow.Sage) -> None:
    created = create_invoice(sage)
    body = sage.get("sales_invoices").json()
    assert set(body) == {"$total", "$page", "$next", "$back", "$itemsPerPage", "$items"}
    assert (body["$total"], body["$page"], body["$itemsPerPage"]) == (1, 1, 20)
    assert body["$next"] is None and body["$back"] is None
    assert body["$items"] == [
        {"id": created["id"], "displayed_as": "SI-1", "$path": f"/sales_invoices/{created['id']}"}
    ]


def test_attributes_all_and_a_chosen_list(sage: flow.Sage) -> None:
    create_invoice(sage)
    full = sage.get("sales_invoices", {"attributes": "all"}).json()["$items"][0]
    assert full["total_amount"] == 510.0 and "invoice_lines" in full
    some = sage.get("sales_invoices", {"attributes": "total_amount,status"}).json()["$items"][0]
    assert set(some) == {"id", "displayed_as", "$path", "total_amount", "status"}


def test_paging_with_next_until_null(sage: flow.Sage) -> None:
    for _ in range(5):
        create_invoice(sage)
    seen: list[str] = []
    body = sage.get("sales_invoices", {"items_per_page": 2}).json()
    assert body["$next"] == "/sales_invoices?page=2&items_per_page=2"
    pages = 1
    while True:
        seen += [item["id"] for item in body["$items"]]
        if body["$next"] is None:
            break
        path, _, query = body["$next"].partition("?")
        assert path == "/sales_invoices"
        body = sage.client.get(f"{flow.API}{path}?{query}", headers=sage.headers()).json()
        pages += 1
    assert pages == 3 and len(set(seen)) == 5
    assert body["$back"] == "/sales_invoices?page=2&items_per_page=2"


def test_a_page_past_the_end_is_the_last_page(sage: flow.Sage) -> None:
    for _ in range(3):
        create_invoice(sage)
    body = sage.get("sales_invoices", {"items_per_page": 2, "page": 9}).json()
    assert body["$page"] == 2 and len(body["$items"]) == 1 and body["$next"] is None


def test_items_per_page_is_capped_at_200(sage: flow.Sage) -> None:
    assert sage.get("ledger_accounts", {"items_per_page": 500}).json()["$itemsPerPage"] == 200


def test_next_keeps_the_filters(sage: flow.Sage) -> None:
    for _ in range(3):
        create_invoice(sage)
    body = sage.get(
        "sales_invoices",
        {
            "items_per_page": 1,
            "updated_or_created_since": "2000-01-01T00:00:00Z",
            "sort": "updated_at:asc",
        },
    ).json()
    assert "updated_or_created_since=2000-01-01T00%3A00%3A00Z" in body["$next"]
    assert "sort=updated_at%3Aasc" in body["$next"]


def test_updated_or_created_since_is_inclusive(sage: flow.Sage) -> None:
    old = create_invoice(sage)
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        new = create_invoice(sage)
    since = new["updated_at"]
    body = sage.get("sales_invoices", {"updated_or_created_since": since}).json()
    assert [item["id"] for item in body["$items"]] == [new["id"]]
    assert old["id"] not in {item["id"] for item in body["$items"]}


def test_a_bookkeepers_edit_shows_up_in_the_incremental_listing(sage: flow.Sage) -> None:
    invoice = create_invoice(sage)
    cursor = (timezone.now() + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        books.edit_invoice(DEMO_HIRE_UK, invoice["id"], notes="Collected early")
    body = sage.get(
        "sales_invoices", {"updated_or_created_since": cursor, "attributes": "notes"}
    ).json()
    assert [item["notes"] for item in body["$items"]] == ["Collected early"]


def test_sort_by_updated_at_keeps_ties_in_creation_order(sage: flow.Sage) -> None:
    with time_machine.travel(timezone.now(), tick=False):
        made = [create_invoice(sage)["id"] for _ in range(4)]
    ids: list[str] = []
    for page in (1, 2):
        body = sage.get(
            "sales_invoices", {"sort": "updated_at:asc", "items_per_page": 2, "page": page}
        ).json()
        ids += [item["id"] for item in body["$items"]]
    assert ids == made


def test_an_unknown_sort_or_bad_timestamp_is_422(sage: flow.Sage) -> None:
    assert problems(sage.get("sales_invoices", {"sort": "total_amount"})) == [
        ("RecordInvalid", "sort")
    ]
    bad = sage.get("sales_invoices", {"updated_or_created_since": "yesterday"})
    assert bad.status_code == 422 and problems(bad) == [
        ("RecordInvalid", "updated_or_created_since")
    ]


def test_deleted_since_lists_deleted_records_exclusively(sage: flow.Sage) -> None:
    draft = create_invoice(sage, status_id="DRAFT")
    kept = create_invoice(sage)
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        sage.delete(f"sales_invoices/{draft['id']}")
    listed = sage.get("sales_invoices").json()["$items"]
    assert [item["id"] for item in listed] == [kept["id"]]
    deleted = sage.get("sales_invoices", {"deleted_since": "2000-01-01T00:00:00Z"}).json()["$items"]
    assert [item["id"] for item in deleted] == [draft["id"]]
    deleted_at = deleted[0]["deleted_at"]
    assert sage.get("sales_invoices", {"deleted_since": deleted_at}).json()["$items"] == []


def test_deleted_contacts_and_payments_feed_deleted_since(sage: flow.Sage) -> None:
    contact = sage.post(
        "contacts", {"contact": {"name": "Gone Ltd", "contact_type_ids": ["CUSTOMER"]}}
    )
    assert contact.status_code == 201
    assert sage.delete(f"contacts/{contact.json()['id']}").status_code == 204
    deleted = sage.get("contacts", {"deleted_since": "2000-01-01T00:00:00Z"}).json()["$items"]
    assert [item["id"] for item in deleted] == [contact.json()["id"]]


def test_filters_by_contact_status_and_search(sage: flow.Sage) -> None:
    create_invoice(sage, reference="PB-1")
    create_invoice(sage, reference="PB-2", status_id="DRAFT")
    assert sage.get("sales_invoices", {"status_id": "DRAFT"}).json()["$total"] == 1
    assert sage.get("sales_invoices", {"search": "PB-1"}).json()["$total"] == 1
    assert sage.get("contacts", {"search": "HARB"}).json()["$total"] == 1
