"""Crew timesheets: recording one's own hours (or start and end times), the checks, the
approvals, and the two pages at work."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
from django.urls import reverse

from operations import timesheets
from operations.models import Timesheet
from operations.services import OperationError
from tests.conftest import Tenants, client_for
from tests.operations.timesheet_helpers import crewed_project, record


def test_hours_come_from_start_and_end_times(tenants: Tenants) -> None:
    project = crewed_project(tenants.alpha, tenants.crew)
    entry = record(
        tenants.alpha, tenants.crew, project, None, starts_at=time(8, 0), ends_at=time(17, 45)
    )
    assert entry.hours == Decimal("9.75")
    assert entry.status == Timesheet.Status.SUBMITTED
    assert entry.number == f"TS-{entry.pk:05d}"


@pytest.mark.parametrize(
    ("hours", "starts_at", "ends_at", "field"),
    [
        ("0", None, None, "hours"),
        ("24.5", None, None, "hours"),
        (None, None, None, "hours"),
        (None, time(17, 0), time(9, 0), "ends_at"),
        (None, time(9, 0), time(9, 0), "ends_at"),
        (None, time(9, 0), None, "ends_at"),
    ],
)
def test_bad_hours_are_refused_beside_their_field(
    tenants: Tenants, hours: str | None, starts_at: time | None, ends_at: time | None, field: str
) -> None:
    project = crewed_project(tenants.alpha, tenants.crew)
    with pytest.raises(OperationError) as refused:
        record(tenants.alpha, tenants.crew, project, hours, starts_at=starts_at, ends_at=ends_at)
    assert refused.value.field == field
    assert not Timesheet.objects.exists()


def test_time_goes_only_on_a_project_one_is_crewed_on(tenants: Tenants) -> None:
    project = crewed_project(tenants.alpha, tenants.crew)
    with pytest.raises(OperationError) as refused:
        record(tenants.alpha, tenants.bookkeeper, project)
    assert refused.value.field == "project"


def test_an_approved_entry_is_not_decided_again(tenants: Tenants) -> None:
    project = crewed_project(tenants.alpha, tenants.crew)
    entry = timesheets.approve(record(tenants.alpha, tenants.crew, project), tenants.manager)
    assert entry.approved_by == tenants.manager and entry.approved_at is not None
    with pytest.raises(OperationError, match="already approved"):
        timesheets.reject(entry, tenants.owner)


def test_crew_record_their_own_time_on_my_timesheets(tenants: Tenants) -> None:
    project = crewed_project(tenants.alpha, tenants.crew)
    client = client_for(tenants.crew)
    url = reverse("operations:timesheet_mine")
    page = client.get(url)
    assert page.status_code == 200 and project.name.encode() in page.content
    data = {"project": project.pk, "worked_on": "2026-11-30", "hours": "6", "billable": "on"}
    done = client.post(url, data, follow=True)
    assert b"waits for a manager" in done.content
    entry = Timesheet.objects.get()
    assert (entry.user, entry.hours, entry.billable) == (tenants.crew, Decimal("6.00"), True)


def test_the_form_says_what_is_wrong_beside_the_field(tenants: Tenants) -> None:
    project = crewed_project(tenants.alpha, tenants.crew)
    client = client_for(tenants.crew)
    data = {
        "project": project.pk,
        "worked_on": "2026-11-30",
        "starts_at": "18:00",
        "ends_at": "09:00",
    }
    page = client.post(reverse("operations:timesheet_mine"), data)
    assert page.status_code == 400
    assert b'id="id_ends_at_error"' in page.content
    assert b"end time must be after the start time" in page.content
    other = client.post(reverse("operations:timesheet_mine"), data | {"hours": "nan"})
    assert other.status_code == 400
    assert not Timesheet.objects.exists()


def test_another_organisations_project_is_not_a_choice(tenants: Tenants) -> None:
    theirs = crewed_project(tenants.bravo, tenants.outsider, name="Bravo gig")
    crewed_project(tenants.alpha, tenants.crew)
    client = client_for(tenants.crew)
    data = {"project": theirs.pk, "worked_on": "2026-11-30", "hours": "3"}
    page = client.post(reverse("operations:timesheet_mine"), data)
    assert page.status_code == 400
    assert b'id="id_project_error"' in page.content


def test_managers_approve_and_reject_on_the_approvals_page(tenants: Tenants) -> None:
    project = crewed_project(tenants.alpha, tenants.crew)
    first = record(tenants.alpha, tenants.crew, project, notes="load-in")
    second = record(tenants.alpha, tenants.crew, project, notes="load-out")
    client = client_for(tenants.manager)
    page = client.get(reverse("operations:timesheet_approvals"))
    assert first.number.encode() in page.content and b"load-out" in page.content
    client.post(reverse("operations:timesheet_approve", kwargs={"pk": first.pk}))
    done = client.post(
        reverse("operations:timesheet_reject", kwargs={"pk": second.pk}), follow=True
    )
    assert f"Timesheet {second.number}".encode() in done.content
    statuses = dict(Timesheet.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "approved", second.pk: "rejected"}


@pytest.mark.parametrize("role", ["bookkeeper", "crew"])
def test_only_owners_and_managers_approve(tenants: Tenants, role: str) -> None:
    project = crewed_project(tenants.alpha, tenants.crew)
    entry = record(tenants.alpha, tenants.crew, project)
    client = client_for(tenants.by_role[role])
    assert client.get(reverse("operations:timesheet_approvals")).status_code == 403
    url = reverse("operations:timesheet_approve", kwargs={"pk": entry.pk})
    assert client.post(url).status_code == 403
    entry.refresh_from_db()
    assert entry.status == Timesheet.Status.SUBMITTED


def test_another_organisations_timesheet_is_a_404(tenants: Tenants) -> None:
    project = crewed_project(tenants.bravo, tenants.outsider, name="Bravo gig")
    entry = record(tenants.bravo, tenants.outsider, project)
    client = client_for(tenants.owner)
    url = reverse("operations:timesheet_approve", kwargs={"pk": entry.pk})
    assert client.post(url).status_code == 404
