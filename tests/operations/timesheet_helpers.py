"""Crew on a project, and their timesheets, for the timesheet tests (and the engine's)."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from django.utils import timezone

from operations import timesheets
from operations.models import CrewAssignment, Project, Timesheet
from tenancy.models import Organisation, User
from tests import factories


def crewed_project(
    organisation: Organisation, user: User, name: str = "Summer gala", currency: str = "GBP"
) -> Project:
    customer = factories.make_customer(organisation, name=f"{name} client", currency=currency)
    project = factories.make_project(organisation, customer, name=name)
    CrewAssignment.objects.create(
        organisation=organisation,
        project=project,
        user=user,
        role="Rigger",
        starts_at=project.starts_at,
        ends_at=project.ends_at,
    )
    return project


def record(
    organisation: Organisation,
    user: User,
    project: Project,
    hours: str | None = "7.5",
    *,
    starts_at: time | None = None,
    ends_at: time | None = None,
    billable: bool = True,
    notes: str = "",
) -> Timesheet:
    entry = timesheets.TimeInput(
        project=project,
        worked_on=date(2026, 11, 30),
        hours=Decimal(hours) if hours is not None else None,
        starts_at=starts_at,
        ends_at=ends_at,
        billable=billable,
        notes=notes,
    )
    return timesheets.record_time(organisation, user, entry)


def approved(
    organisation: Organisation, user: User, project: Project, by: User, **extra: object
) -> Timesheet:
    entry = record(organisation, user, project, **extra)  # type: ignore[arg-type]
    return timesheets.approve(entry, by)


def touch(entry: Timesheet) -> None:
    Timesheet.objects.filter(pk=entry.pk).update(updated_at=timezone.now())
