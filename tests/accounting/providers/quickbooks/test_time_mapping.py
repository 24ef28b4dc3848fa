"""A timesheet as a TimeActivity payload, and the owned fields of what QuickBooks answers:
equal for an untouched record, whichever way the duration was sent."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from accounting.engine.adapter import EMPLOYEE, VENDOR, RemoteChoice
from accounting.providers.quickbooks.time import (
    owned_time_activity,
    split_hours,
    time_activity,
)
from operations.models import Project, Timesheet

LONDON = ZoneInfo("Europe/London")


def entry(**fields: object) -> Timesheet:
    project = Project(name="Pier gala")
    values: dict[str, object] = {
        "pk": 42,
        "worked_on": date(2026, 7, 1),
        "hours": Decimal("7.25"),
        "billable": True,
        "notes": "load-in",
    }
    timesheet = Timesheet(**(values | fields))
    timesheet.project = project
    return timesheet


@pytest.mark.parametrize(
    ("hours", "split"),
    [("7.25", (7, 15)), ("0.01", (0, 1)), ("24", (24, 0)), ("1.99", (1, 59)), ("8.5", (8, 30))],
)
def test_decimal_hours_split_into_whole_hours_and_minutes(
    hours: str, split: tuple[int, int]
) -> None:
    assert split_hours(Decimal(hours)) == split


def test_an_employees_billable_hours() -> None:
    payload = time_activity(entry(), RemoteChoice("55", "Ben", EMPLOYEE), "7", LONDON)
    assert payload == {
        "TxnDate": "2026-07-01",
        "NameOf": "Employee",
        "EmployeeRef": {"value": "55"},
        "BillableStatus": "Billable",
        "CustomerRef": {"value": "7"},
        "Description": "TS-00042 · Pier gala: load-in",
        "Hours": 7,
        "Minutes": 15,
    }


def test_a_vendors_unbilled_times_carry_the_organisations_offset() -> None:
    timed = entry(billable=False, starts_at=time(9, 0), ends_at=time(13, 30), notes="")
    payload = time_activity(timed, RemoteChoice("3", "Dana", VENDOR), "7", LONDON)
    assert payload["NameOf"] == "Vendor" and payload["VendorRef"] == {"value": "3"}
    assert "CustomerRef" not in payload and payload["BillableStatus"] == "NotBillable"
    assert payload["StartTime"] == "2026-07-01T09:00:00+01:00"  # summer time
    assert payload["EndTime"] == "2026-07-01T13:30:00+01:00"
    assert payload["Description"] == "TS-00042 · Pier gala"


def test_what_quickbooks_answers_owns_the_same_fields_as_what_was_sent() -> None:
    timed = entry(starts_at=time(9, 0), ends_at=time(13, 30))
    for sent in (
        time_activity(entry(), RemoteChoice("55", "Ben", EMPLOYEE), "7", LONDON),
        time_activity(timed, RemoteChoice("55", "Ben", EMPLOYEE), "7", LONDON),
    ):
        minutes = owned_time_activity(sent)["minutes"]
        answered = sent | {
            "Id": "9",
            "SyncToken": "0",
            "EmployeeRef": {"value": "55", "name": "Ben Soundman"},
            "CustomerRef": {"value": "7", "name": "Pier Events"},
            "Hours": minutes // 60,
            "Minutes": minutes % 60,
            "Taxable": False,
        }
        assert owned_time_activity(answered) == owned_time_activity(sent)
    edited = sent | {"Hours": 5, "Minutes": 0, "StartTime": None}
    assert owned_time_activity(edited) != owned_time_activity(sent)
