"""Approved crew timesheets as QuickBooks TimeActivity objects, and the company's
employees and vendors that crew map to.

https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/timeactivity

- ``NameOf`` says whose time it is: "Employee" with an EmployeeRef, or "Vendor" with a
  VendorRef (freelance crew).
- Hours and Minutes are whole numbers; Patchbay's decimal hours are split (7.25 -> 7 h
  15 min). A timesheet recorded with start and end times sends those instead, with the
  organisation's offset, and QuickBooks works out the duration.
- Billable time carries the project's client (CustomerRef, which must be in the
  ledger already); other time is NotBillable with no customer.
- Patchbay's own number (TS-00042) leads the Description, so a bookkeeper can find it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from accounting.engine.adapter import EMPLOYEE, VENDOR, RemoteChoice
from operations.models import Timesheet

Json = dict[str, Any]
DESCRIPTION_MAX = 4000
NAME_OF = {EMPLOYEE: ("Employee", "EmployeeRef"), VENDOR: ("Vendor", "VendorRef")}


def split_hours(hours: Decimal) -> tuple[int, int]:
    """Decimal hours as whole hours and minutes, the minutes rounded."""
    minutes = int((hours * 60).to_integral_value(rounding=ROUND_HALF_UP))
    return minutes // 60, minutes % 60


def description(timesheet: Timesheet) -> str:
    text = f"{timesheet.number} · {timesheet.project.name}"
    if timesheet.notes:
        text += f": {timesheet.notes}"
    return text[:DESCRIPTION_MAX]


def _duration(timesheet: Timesheet, zone: ZoneInfo) -> Json:
    if timesheet.starts_at is not None and timesheet.ends_at is not None:
        day = timesheet.worked_on
        start = datetime.combine(day, timesheet.starts_at, tzinfo=zone)
        end = datetime.combine(day, timesheet.ends_at, tzinfo=zone)
        return {"StartTime": start.isoformat(), "EndTime": end.isoformat()}
    hours, minutes = split_hours(timesheet.hours)
    return {"Hours": hours, "Minutes": minutes}


def time_activity(
    timesheet: Timesheet, worker: RemoteChoice, customer_remote_id: str, zone: ZoneInfo
) -> Json:
    name_of, reference = NAME_OF[worker.kind]
    payload: Json = {
        "TxnDate": timesheet.worked_on.isoformat(),
        "NameOf": name_of,
        reference: {"value": worker.code},
        "BillableStatus": "Billable" if timesheet.billable else "NotBillable",
        "Description": description(timesheet),
        **_duration(timesheet, zone),
    }
    if timesheet.billable and customer_remote_id:
        payload["CustomerRef"] = {"value": customer_remote_id}
    return payload


def _ref(value: Any) -> str:
    return str((value or {}).get("value") or "") if isinstance(value, dict) else ""


def owned_time_activity(data: Json) -> Json:
    """Whose time, for whom, which day, how long, billable or not, and the description;
    a duration sent as times is compared as the minutes QuickBooks works out of them."""
    hours = int(data.get("Hours") or 0)
    minutes = int(data.get("Minutes") or 0)
    if data.get("StartTime") and data.get("EndTime") and not (hours or minutes):
        span = datetime.fromisoformat(str(data["EndTime"])) - datetime.fromisoformat(
            str(data["StartTime"])
        )
        hours, minutes = divmod(int(span.total_seconds() // 60), 60)
    return {
        "name_of": str(data.get("NameOf") or ""),
        "worker": _ref(data.get("EmployeeRef")) or _ref(data.get("VendorRef")),
        "customer": _ref(data.get("CustomerRef")),
        "date": str(data.get("TxnDate") or "")[:10],
        "minutes": hours * 60 + minutes,
        "billable": str(data.get("BillableStatus") or "NotBillable"),
        "description": str(data.get("Description") or "").strip(),
    }


def crew_choices(employees: list[Json], vendors: list[Json]) -> list[RemoteChoice]:
    """Active employees and vendors, by display name."""
    found = [
        RemoteChoice(code=str(row["Id"]), name=str(row.get("DisplayName") or row["Id"]), kind=kind)
        for kind, rows in ((EMPLOYEE, employees), (VENDOR, vendors))
        for row in rows
        if row.get("Active", True)
    ]
    return sorted(found, key=lambda choice: (choice.kind, choice.name.lower()))
