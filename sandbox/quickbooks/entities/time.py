"""Employee (a name list) and TimeActivity (hours worked, by an employee or a vendor).

- An employee's DisplayName is made from its names when not sent; it is unique among
  employees and customers (Intuit keeps one namespace for customers, vendors and
  employees: 6240). Employees are made inactive, never deleted.
- A time activity names whose time it is (``NameOf`` Employee or Vendor, with the
  matching reference), and its duration as Hours/Minutes or as StartTime/EndTime (the
  API computes Hours and Minutes from the two times, less any break). Billable time
  needs a customer; its HourlyRate is kept. Time activities can be deleted.
https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/timeactivity
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from sandbox.quickbooks import clock, errors
from sandbox.quickbooks.entities.common import (
    boolean,
    clean,
    decimal,
    number,
    ref_id,
    ref_to,
    reference,
    text,
)
from sandbox.quickbooks.entities.names import unique_name
from sandbox.quickbooks.models import QboEntity
from sandbox.quickbooks.store import Books

Json = dict[str, Any]

EMPLOYEE_FIELDS = frozenset(
    {
        "Title",
        "GivenName",
        "MiddleName",
        "FamilyName",
        "Suffix",
        "DisplayName",
        "PrintOnCheckName",
        "Active",
        "PrimaryPhone",
        "Mobile",
        "PrimaryEmailAddr",
        "EmployeeNumber",
        "PrimaryAddr",
        "BillableTime",
        "BillRate",
        "CostRate",
        "HiredDate",
        "ReleasedDate",
    }
)
TIME_ACTIVITY_FIELDS = frozenset(
    {
        "TxnDate",
        "NameOf",
        "EmployeeRef",
        "VendorRef",
        "CustomerRef",
        "DepartmentRef",
        "ItemRef",
        "ClassRef",
        "BillableStatus",
        "Taxable",
        "HourlyRate",
        "CostRate",
        "Hours",
        "Minutes",
        "BreakHours",
        "BreakMinutes",
        "StartTime",
        "EndTime",
        "Description",
    }
)
NAME_OF = {"Employee": "EmployeeRef", "Vendor": "VendorRef"}
BILLABLE_STATUSES = ("Billable", "NotBillable", "HasBeenBilled")
NAME_TEXT = {"Title": 16, "GivenName": 100, "MiddleName": 100, "FamilyName": 100, "Suffix": 16}


# --- Employee ----------------------------------------------------------------------------


def prepare_employee(books: Books, doc: Json, old: QboEntity | None) -> Json:
    data: Json = {key: text(doc.get(key), key, limit) for key, limit in NAME_TEXT.items()}
    person = " ".join(str(data[key]) for key in ("GivenName", "FamilyName") if data[key])
    display = text(doc.get("DisplayName"), "DisplayName", 500) or person
    if not display.strip():
        raise errors.required("DisplayName")
    if ":" in display:
        raise errors.invalid("2050", "DisplayName cannot contain a colon (:)", "DisplayName")
    unique_name(books, "Employee", "DisplayName", display, old, "customer, vendor or employee")
    unique_name(books, "Customer", "DisplayName", display, None, "customer, vendor or employee")
    active = boolean(doc.get("Active"), "Active")
    data |= {
        "DisplayName": display,
        "PrintOnCheckName": text(doc.get("PrintOnCheckName"), "PrintOnCheckName", 110) or display,
        "Active": True if active is None else active,
        "EmployeeNumber": text(doc.get("EmployeeNumber"), "EmployeeNumber", 100),
        "BillableTime": boolean(doc.get("BillableTime"), "BillableTime") or False,
        "BillRate": _rate(doc, "BillRate"),
        "CostRate": _rate(doc, "CostRate"),
        "HiredDate": _date(doc, "HiredDate"),
        "ReleasedDate": _date(doc, "ReleasedDate"),
    }
    for key in ("PrimaryEmailAddr", "PrimaryPhone", "Mobile", "PrimaryAddr"):
        value = doc.get(key)
        if value is not None and not isinstance(value, dict):
            raise errors.invalid("2010", f"Property {key}: an object is expected", key)
        data[key] = value
    return clean(data)


# --- TimeActivity ------------------------------------------------------------------------


def prepare_time_activity(books: Books, doc: Json, old: QboEntity | None) -> Json:
    name_of = doc.get("NameOf")
    if name_of in (None, ""):
        raise errors.required("NameOf")
    if name_of not in NAME_OF:
        raise errors.invalid("2010", f"NameOf {name_of!r} is not Employee or Vendor", "NameOf")
    whose = NAME_OF[name_of]
    other = [key for key in NAME_OF.values() if key != whose and doc.get(key) is not None]
    if other:
        raise errors.invalid("2010", f"{other[0]} does not go with NameOf {name_of}", other[0])
    worker = reference(books, name_of, doc.get(whose), whose)
    data: Json = {
        "TxnDate": _date(doc, "TxnDate")
        or timezone.now().astimezone(clock.zone()).date().isoformat(),
        "NameOf": name_of,
        whose: ref_to(worker, "DisplayName"),
        "Description": text(doc.get("Description"), "Description", 4000),
        "Taxable": boolean(doc.get("Taxable"), "Taxable") or False,
        "CostRate": _rate(doc, "CostRate"),
    }
    data |= _billing(books, doc)
    data |= _duration(doc)
    for key, entity in (("DepartmentRef", "Department"), ("ClassRef", "Class")):
        if ref_id(doc.get(key)) is not None:
            data[key] = ref_to(reference(books, entity, doc.get(key), key))
    return clean(data)


def _billing(books: Books, doc: Json) -> Json:
    status = doc.get("BillableStatus") or "NotBillable"
    if status not in BILLABLE_STATUSES:
        raise errors.invalid(
            "2010", f"BillableStatus {status!r} is not one of the allowed values", "BillableStatus"
        )
    data: Json = {"BillableStatus": status}
    customer = doc.get("CustomerRef")
    if ref_id(customer) is not None:
        data["CustomerRef"] = ref_to(reference(books, "Customer", customer, "CustomerRef"))
    elif status == "Billable":
        # Billable time is billed to someone: Intuit refuses it without a customer.
        raise errors.business("Billable time needs a customer.", "CustomerRef")
    if ref_id(doc.get("ItemRef")) is not None:
        data["ItemRef"] = ref_to(reference(books, "Item", doc.get("ItemRef"), "ItemRef"))
    rate = _rate(doc, "HourlyRate")
    if rate is not None:
        data["HourlyRate"] = rate
    return data


def _duration(doc: Json) -> Json:
    """Hours and Minutes as sent, or worked out from StartTime and EndTime."""
    start, end = doc.get("StartTime"), doc.get("EndTime")
    breaks = _whole(doc, "BreakHours") * 60 + _whole(doc, "BreakMinutes")
    if start is not None or end is not None:
        began, ended = _moment(start, "StartTime"), _moment(end, "EndTime")
        minutes = int((ended - began).total_seconds() // 60) - breaks
        if minutes <= 0:
            raise errors.business("EndTime must be after StartTime (less any break).", "EndTime")
        times = {"StartTime": start, "EndTime": end}
    else:
        minutes = _whole(doc, "Hours") * 60 + _whole(doc, "Minutes")
        if minutes <= 0:
            raise errors.required("Hours")
        times = {}
    extra = {"BreakHours": breaks // 60, "BreakMinutes": breaks % 60} if breaks else {}
    return {"Hours": minutes // 60, "Minutes": minutes % 60, **times, **extra}


def _moment(value: Any, element: str) -> datetime:
    if value is None:
        raise errors.required(element)
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError as error:
        raise errors.invalid(
            "2010", f"Property {element}: a dateTime is expected", element
        ) from error
    if moment.tzinfo is None:
        raise errors.invalid("2010", f"Property {element}: give the time zone offset", element)
    return moment


def _whole(doc: Json, element: str) -> int:
    value = decimal(doc.get(element), element)
    if value is None:
        return 0
    if value != value.to_integral_value() or value < 0:
        raise errors.invalid("2010", f"Property {element}: a whole number is expected", element)
    return int(value)


def _rate(doc: Json, element: str) -> float | int | None:
    value = decimal(doc.get(element), element)
    if value is None:
        return None
    if value < 0:
        raise errors.invalid("2010", f"Property {element} cannot be negative", element)
    return number(value)


def _date(doc: Json, element: str) -> str | None:
    value = text(doc.get(element), element)
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as error:
        raise errors.invalid("2010", f"Property {element}: a date is expected", element) from error


# --- seed --------------------------------------------------------------------------------

# A few employees in every sandbox company, for the mapping page to list.
SEED_EMPLOYEES = (
    {"GivenName": "Ada", "FamilyName": "Rigby", "EmployeeNumber": "E-101"},
    {"GivenName": "Ben", "FamilyName": "Soundman", "EmployeeNumber": "E-102"},
    {"GivenName": "Cleo", "FamilyName": "Lumen", "EmployeeNumber": "E-103"},
)


SEED_VENDOR = {"DisplayName": "Dana Freelance Rigging", "GivenName": "Dana"}


def seed_employees(books: Books, save: Any) -> None:
    """Add the demo employees (and a freelance vendor) to a company's books, once."""
    if books.all("Employee"):
        return
    for body in SEED_EMPLOYEES:
        email = f"{body['GivenName'].lower()}@crew.example.com"
        save(books, "Employee", {**body, "PrimaryEmailAddr": {"Address": email}})
    if not books.all("Vendor"):
        save(books, "Vendor", SEED_VENDOR)
