"""Crew timesheets: a member records their own hours on a project they are assigned to;
an owner or integration manager approves or rejects them. Approved entries are what the
accounting engine pushes where the ledger keeps time (QuickBooks' TimeActivity)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from operations.models import Project, Timesheet
from operations.services import OperationError
from tenancy.models import Organisation, User

MAX_HOURS = Decimal(24)
HOUR_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class TimeInput:
    """One entry as the crew member typed it: hours, or a start and an end time."""

    project: Project
    worked_on: date
    hours: Decimal | None = None
    starts_at: time | None = None
    ends_at: time | None = None
    billable: bool = True
    notes: str = ""


def assigned_projects(organisation: Organisation, user: User) -> QuerySet[Project]:
    """The projects a member may record time on: those they are crewed on."""
    return Project.objects.filter(
        organisation=organisation, assignments__user=user, assignments__organisation=organisation
    ).distinct()


def hours_between(starts_at: time, ends_at: time) -> Decimal:
    """Hours from a start to an end on the same day; an end not after the start is refused."""
    if ends_at <= starts_at:
        raise OperationError("The end time must be after the start time.", field="ends_at")
    day = date(2000, 1, 1)
    seconds = (datetime.combine(day, ends_at) - datetime.combine(day, starts_at)).seconds
    return (Decimal(seconds) / 3600).quantize(HOUR_PLACES, rounding=ROUND_HALF_UP)


def worked_hours(entry: TimeInput) -> Decimal:
    """The entry's hours, from its times when given; always more than 0 and at most 24."""
    if (entry.starts_at is None) != (entry.ends_at is None):
        field = "ends_at" if entry.ends_at is None else "starts_at"
        raise OperationError("Give both a start and an end time, or hours alone.", field=field)
    if entry.starts_at is not None and entry.ends_at is not None:
        hours = hours_between(entry.starts_at, entry.ends_at)
    elif entry.hours is None:
        raise OperationError("Give the hours worked, or a start and an end time.", field="hours")
    else:
        hours = entry.hours.quantize(HOUR_PLACES, rounding=ROUND_HALF_UP)
    if hours <= 0 or hours > MAX_HOURS:
        raise OperationError("Hours must be more than 0 and at most 24.", field="hours")
    return hours


def record_time(organisation: Organisation, user: User, entry: TimeInput) -> Timesheet:
    """A crew member's own entry, submitted for approval."""
    if not assigned_projects(organisation, user).filter(pk=entry.project.pk).exists():
        raise OperationError(
            "You can record time only on projects you are crewed on.", field="project"
        )
    return Timesheet.objects.create(
        organisation=organisation,
        user=user,
        project=entry.project,
        worked_on=entry.worked_on,
        starts_at=entry.starts_at,
        ends_at=entry.ends_at,
        hours=worked_hours(entry),
        billable=entry.billable,
        notes=entry.notes,
    )


def _decide(timesheet: Timesheet, by: User, status: str) -> Timesheet:
    with transaction.atomic():
        locked = Timesheet.objects.select_for_update().get(pk=timesheet.pk)
        if locked.status == Timesheet.Status.APPROVED:
            # An approved entry may already be in the ledger: it is not taken back here.
            raise OperationError(f"Timesheet {locked} is already approved.")
        locked.status = status
        locked.approved_by = by
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    return locked


def approve(timesheet: Timesheet, by: User) -> Timesheet:
    return _decide(timesheet, by, Timesheet.Status.APPROVED)


def reject(timesheet: Timesheet, by: User) -> Timesheet:
    return _decide(timesheet, by, Timesheet.Status.REJECTED)
