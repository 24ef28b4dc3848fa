"""Employees, the minimal Vendor and TimeActivity: create (with requestid), read, query,
sparse update with SyncToken, delete, CDC, the checks, and the console's listing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.test import Client
from django.utils import timezone

from sandbox.quickbooks import books, clock
from sandbox.quickbooks.entities.time import SEED_EMPLOYEES
from tests.sandbox.quickbooks import flow


def fault_codes(response: Any) -> list[str]:
    return [error["code"] for error in response.json()["Fault"]["Error"]]


def employee_id(qbo: flow.Qbo, name: str = "Ada Rigby") -> str:
    rows = qbo.query("select * from Employee").json()["QueryResponse"]["Employee"]
    return next(str(row["Id"]) for row in rows if row["DisplayName"] == name)


def activity(employee: str, **extra: Any) -> dict[str, Any]:
    return {
        "NameOf": "Employee",
        "EmployeeRef": {"value": employee},
        "TxnDate": "2026-11-30",
        "Hours": 7,
        "Minutes": 30,
        "BillableStatus": "NotBillable",
        "Description": "TS-00001 · rigging",
        **extra,
    }


def test_every_company_has_the_seeded_employees(qbo: flow.Qbo, qbo_uk: flow.Qbo) -> None:
    for realm in (qbo, qbo_uk):
        rows = realm.query("select * from Employee").json()["QueryResponse"]["Employee"]
        names = {row["DisplayName"] for row in rows}
        assert names == {f"{e['GivenName']} {e['FamilyName']}" for e in SEED_EMPLOYEES}
        vendors = realm.query("select * from Vendor").json()["QueryResponse"]["Vendor"]
        assert [row["DisplayName"] for row in vendors] == ["Dana Freelance Rigging"]


def test_employee_names_are_derived_and_unique_with_customers(qbo: flow.Qbo) -> None:
    made = qbo.create("Employee", {"GivenName": "Eve", "FamilyName": "Gaffer"})
    assert made["DisplayName"] == "Eve Gaffer" and made["Active"] is True
    assert fault_codes(qbo.post("employee", {"DisplayName": "Eve Gaffer"})) == ["6240"]
    # One namespace for customers, vendors and employees.
    assert fault_codes(qbo.post("employee", {"DisplayName": "Harbour Build LLC"})) == ["6240"]
    assert fault_codes(qbo.post("employee", {"Title": "Mr"})) == ["2020"]


def test_time_activity_create_read_update_delete(qbo: flow.Qbo) -> None:
    employee = employee_id(qbo)
    made = qbo.create("TimeActivity", activity(employee))
    assert made["SyncToken"] == "0"
    assert made["EmployeeRef"] == {"value": employee, "name": "Ada Rigby"}
    assert (made["Hours"], made["Minutes"]) == (7, 30)
    read = qbo.get(f"timeactivity/{made['Id']}").json()["TimeActivity"]
    assert read["Description"] == "TS-00001 · rigging"
    sparse = {"Id": made["Id"], "SyncToken": "0", "sparse": True, "Hours": 8, "Minutes": 0}
    updated = qbo.post("timeactivity", sparse).json()["TimeActivity"]
    assert updated["SyncToken"] == "1" and updated["Hours"] == 8
    assert updated["Description"] == "TS-00001 · rigging"
    assert fault_codes(qbo.post("timeactivity", sparse)) == ["5010"]
    gone = qbo.post("timeactivity", {"Id": made["Id"], "SyncToken": "1"}, "operation=delete")
    assert gone.json()["TimeActivity"]["status"] == "Deleted"
    assert qbo.get(f"timeactivity/{made['Id']}").status_code in (400, 404)


def test_start_and_end_times_give_hours_and_minutes(qbo: flow.Qbo) -> None:
    body = activity(employee_id(qbo)) | {
        "StartTime": "2026-11-30T08:00:00-08:00",
        "EndTime": "2026-11-30T17:45:00-08:00",
        "BreakMinutes": 45,
    }
    del body["Hours"], body["Minutes"]
    made = qbo.create("TimeActivity", body)
    assert (made["Hours"], made["Minutes"]) == (9, 0)
    backwards = body | {"EndTime": "2026-11-30T07:00:00-08:00"}
    assert fault_codes(qbo.post("timeactivity", backwards)) == ["6000"]


def test_billable_time_needs_a_customer_and_keeps_its_rate(qbo: flow.Qbo) -> None:
    employee = employee_id(qbo)
    billable = activity(employee, BillableStatus="Billable", HourlyRate=45)
    refused = qbo.post("timeactivity", billable)
    assert fault_codes(refused) == ["6000"]
    made = qbo.create("TimeActivity", billable | {"CustomerRef": {"value": "1"}})
    assert made["CustomerRef"]["value"] == "1" and made["HourlyRate"] == 45


def test_what_a_time_activity_refuses(qbo: flow.Qbo) -> None:
    employee = employee_id(qbo)
    assert fault_codes(qbo.post("timeactivity", activity(employee, NameOf=None))) == ["2020"]
    assert fault_codes(qbo.post("timeactivity", activity(employee, NameOf="Other"))) == ["2010"]
    assert fault_codes(qbo.post("timeactivity", activity("999"))) == ["2500"]
    no_time = activity(employee, Hours=0, Minutes=0)
    assert fault_codes(qbo.post("timeactivity", no_time)) == ["2020"]
    both = activity(employee, VendorRef={"value": "1"})
    assert fault_codes(qbo.post("timeactivity", both)) == ["2010"]
    assert fault_codes(qbo.post("timeactivity", activity(employee, Made="up"))) == ["2010"]


def test_a_vendors_time(qbo: flow.Qbo) -> None:
    vendors = qbo.query("select * from Vendor").json()["QueryResponse"]["Vendor"]
    body = activity("x", NameOf="Vendor", VendorRef={"value": vendors[0]["Id"]})
    del body["EmployeeRef"]
    made = qbo.create("TimeActivity", body)
    assert made["VendorRef"]["name"] == "Dana Freelance Rigging"


def test_requestid_replays_a_time_activity_create(qbo: flow.Qbo) -> None:
    body = activity(employee_id(qbo))
    first = qbo.post("timeactivity", body, "requestid=pb-time-1").json()["TimeActivity"]
    again = qbo.post("timeactivity", body, "requestid=pb-time-1").json()["TimeActivity"]
    assert first["Id"] == again["Id"]
    assert len(books.time_activities_of(flow.US_REALM)) == 1


def test_time_activities_in_a_batch_and_cdc(qbo: flow.Qbo) -> None:
    employee = employee_id(qbo)
    later = timezone.now() + timedelta(seconds=2)
    with time_machine.travel(later, tick=False):
        items = [
            {"bId": str(n), "operation": "create", "TimeActivity": activity(employee)}
            for n in range(2)
        ]
        answer = qbo.post("batch", {"BatchItemRequest": items}).json()["BatchItemResponse"]
        ids = [item["TimeActivity"]["Id"] for item in answer]
        qbo.post("timeactivity", {"Id": ids[0], "SyncToken": "0"}, "operation=delete")
    since = clock.wire(later - timedelta(seconds=1))
    cdc = qbo.get("cdc", {"entities": "TimeActivity", "changedSince": since}).json()
    rows = {row["Id"]: row for row in cdc["CDCResponse"][0]["QueryResponse"][0]["TimeActivity"]}
    assert rows[ids[0]]["status"] == "Deleted"
    assert rows[ids[1]]["Hours"] == 7


def test_the_console_lists_employees_and_time_activities(visitor: Client, qbo: flow.Qbo) -> None:
    qbo.create("TimeActivity", activity(employee_id(qbo), Description="TS-04242 · load-in"))
    page = visitor.get(flow.CONSOLE, {"realm": flow.US_REALM})
    assert b"Ben Soundman" in page.content
    assert "TS-04242 · load-in".encode() in page.content
