"""The query language and Change Data Capture."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.utils import timezone

from sandbox.quickbooks import books, clock
from tests.sandbox.quickbooks import flow


def answer(qbo: flow.Qbo, statement: str) -> dict[str, Any]:
    response = qbo.query(statement)
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()["QueryResponse"]
    return body


def test_paging_with_startposition_and_maxresults(qbo: flow.Qbo) -> None:
    for number in range(5):
        qbo.create("Customer", {"DisplayName": f"Page Co {number}"})
    first = answer(
        qbo, "SELECT * FROM Customer WHERE DisplayName LIKE 'Page Co%' STARTPOSITION 1 MAXRESULTS 2"
    )
    second = answer(
        qbo, "select * from Customer where DisplayName like 'Page Co%' startposition 3 maxresults 2"
    )
    last = answer(
        qbo, "select * from Customer where DisplayName like 'Page Co%' startposition 5 maxresults 2"
    )
    names = [c["DisplayName"] for page in (first, second, last) for c in page["Customer"]]
    assert names == [f"Page Co {n}" for n in range(5)]
    assert (first["startPosition"], first["maxResults"]) == (1, 2)
    assert last["maxResults"] == 1
    assert (
        answer(qbo, "select * from Customer where DisplayName like 'Page Co%' startposition 6")
        == {}
    )


def test_count_in_and_equals(qbo: flow.Qbo) -> None:
    assert answer(qbo, "SELECT COUNT(*) FROM Customer") == {"totalCount": 3}
    found = answer(qbo, "SELECT * FROM Customer WHERE Id IN ('1', '3')")
    assert [c["Id"] for c in found["Customer"]] == ["1", "3"]
    named = answer(qbo, "SELECT * FROM Customer WHERE DisplayName = 'Northern Stage Co'")
    assert named["Customer"][0]["Id"] == "3"


def test_last_updated_time_and_orderby(qbo: flow.Qbo) -> None:
    later = timezone.now() + timedelta(seconds=5)
    cursor = clock.wire(later)
    with time_machine.travel(later, tick=False):
        invoice = qbo.create("Invoice", flow.invoice_body(DocNumber="Q-2"))
        qbo.create("Invoice", flow.invoice_body(DocNumber="Q-1"))
    # Not SQL: the sandbox parses the statement itself.
    statement = (
        f"SELECT * FROM Invoice WHERE MetaData.LastUpdatedTime >= '{cursor}' ORDERBY DocNumber DESC"  # noqa: S608
    )
    found = answer(qbo, statement)["Invoice"]
    assert [row["DocNumber"] for row in found] == ["Q-2", "Q-1"]
    assert invoice["Id"] == found[0]["Id"]


def test_inactive_customers_are_left_out_unless_asked(qbo: flow.Qbo) -> None:
    gone = qbo.create("Customer", {"DisplayName": "Inactive Co"})
    qbo.post("customer", {"Id": gone["Id"], "SyncToken": "0", "sparse": True, "Active": False})
    assert answer(qbo, "SELECT * FROM Customer WHERE DisplayName = 'Inactive Co'") == {}
    found = answer(qbo, "SELECT * FROM Customer WHERE Active = false")
    assert [c["DisplayName"] for c in found["Customer"]] == ["Inactive Co"]


def test_or_is_a_parse_error_and_unknown_fields_are_invalid(qbo: flow.Qbo) -> None:
    response = qbo.query("SELECT * FROM Customer WHERE Id = '1' OR Id = '2'")
    assert response.status_code == 400
    assert response.json()["Fault"]["Error"][0]["code"] == "4000"
    unknown = qbo.query("SELECT * FROM Customer WHERE Nickname = 'x'")
    assert unknown.json()["Fault"]["Error"][0]["code"] == "4001"


def test_query_by_post_body_and_projection(qbo: flow.Qbo) -> None:
    response = qbo.client.post(
        qbo.url("query"),
        "select Id, DisplayName from Customer where Id = '2'",
        content_type="application/text",
        headers=qbo.headers(),
    )
    row = response.json()["QueryResponse"]["Customer"][0]
    assert row == {
        "domain": "QBO",
        "sparse": True,
        "Id": "2",
        "DisplayName": "Riverside Festival Inc",
    }


def test_cdc_reports_changes_and_deletes(qbo: flow.Qbo) -> None:
    later = timezone.now() + timedelta(seconds=2)
    since = clock.wire(later)
    with time_machine.travel(later, tick=False):
        kept = qbo.create("Invoice", flow.invoice_body())
        gone = qbo.create("Invoice", flow.invoice_body())
        qbo.post("invoice", {"Id": gone["Id"], "SyncToken": "0"}, "operation=delete")
        customer = qbo.create("Customer", {"DisplayName": "CDC Co"})
    response = qbo.get("cdc", {"entities": "Invoice,Customer", "changedSince": since})
    assert response.status_code == 200, response.content
    blocks = response.json()["CDCResponse"][0]["QueryResponse"]
    invoices = {row["Id"]: row for row in blocks[0]["Invoice"]}
    assert invoices[kept["Id"]]["SyncToken"] == "0"
    assert invoices[gone["Id"]]["status"] == "Deleted"
    assert [row["Id"] for row in blocks[1]["Customer"]] == [customer["Id"]]


def test_cdc_look_back_is_30_days(qbo: flow.Qbo) -> None:
    old = clock.wire(timezone.now() - timedelta(days=31))
    response = qbo.get("cdc", {"entities": "Invoice", "changedSince": old})
    assert response.status_code == 400
    assert qbo.get("cdc", {"entities": "Invoice"}).status_code == 400


def test_cdc_caps_objects_across_entities(qbo: flow.Qbo, settings: Any) -> None:
    settings.SANDBOX_QUICKBOOKS_CDC_MAX_OBJECTS = 3
    since = clock.wire(timezone.now() - timedelta(hours=1))
    for number in range(3):
        books.create_customer(qbo.realm, f"Cap Co {number}")
    blocks = qbo.get("cdc", {"entities": "Invoice,Customer", "changedSince": since}).json()
    counted = sum(block["maxResults"] for block in blocks["CDCResponse"][0]["QueryResponse"])
    assert counted == 3
