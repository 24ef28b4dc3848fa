"""Approved crew timesheets reach QuickBooks as TimeActivity objects for the employee (or
vendor) each user is mapped to, over real HTTP through the sandbox: batched, audited,
idempotent; unmapped crew wait visibly and go once mapped."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from accounting import crew_choices
from accounting.engine.adapter import EMPLOYEE, VENDOR
from accounting.models import CrewMapping, Entity, ExternalRef
from integrations.models import AuditEntry, Connection, SyncRun
from operations import timesheets
from operations.models import Project
from sandbox.quickbooks import books
from tests.accounting.providers.quickbooks import helpers
from tests.accounting.providers.quickbooks.conftest import sync
from tests.conftest import Tenants, client_for
from tests.operations.timesheet_helpers import approved, crewed_project, record


def time_activities() -> list[dict[str, Any]]:
    return [row.data for row in books.time_activities_of(helpers.US_REALM)]


def time_pushes(connection: Connection) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            connection=connection, entity=Entity.TIME_ACTIVITY, direction="push"
        )
    )


def map_user(connection: Connection, user: Any, kind: str = EMPLOYEE) -> CrewMapping:
    """Map ``user`` to the company's first person of ``kind``, as the crew page saves it."""
    people = crew_choices.people(crew_choices.fetch(connection))
    person = next(p for p in people if p.kind == kind)
    return CrewMapping.objects.create(
        organisation=connection.organisation,
        connection=connection,
        user=user,
        kind=kind,
        remote_id=person.code,
        remote_name=person.name,
    )


def project_for(tenants: Tenants) -> Project:
    return crewed_project(tenants.alpha, tenants.crew, name="Pier gala", currency="USD")


def test_the_crew_choices_are_the_companys_employees_and_vendors(
    connected: Connection,
) -> None:
    row = crew_choices.fetch(connected)
    people = {(p.kind, p.name) for p in crew_choices.people(row)}
    assert people == {
        (EMPLOYEE, "Ada Rigby"),
        (EMPLOYEE, "Ben Soundman"),
        (EMPLOYEE, "Cleo Lumen"),
        (VENDOR, "Dana Freelance Rigging"),
    }
    assert AuditEntry.objects.filter(connection=connected, method="GET").count() == 2


def test_the_crew_page_lists_them_without_calling_quickbooks(
    connected: Connection, tenants: Tenants
) -> None:
    crew_choices.fetch(connected)
    calls = AuditEntry.objects.count()
    client = client_for(tenants.manager)
    url = reverse("accounting:crew_mappings", kwargs={"pk": connected.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert b"Ben Soundman (employee)" in page.content
    assert b"Dana Freelance Rigging (vendor)" in page.content
    assert AuditEntry.objects.count() == calls
    ben = next(
        p for p in crew_choices.people(crew_choices.cached(connected)) if p.name == "Ben Soundman"
    )
    saved = client.post(url, {f"user_{tenants.crew.pk}": f"employee:{ben.code}"}, follow=True)
    assert b"1 mapped" in saved.content
    mapping = CrewMapping.objects.get(user=tenants.crew)
    assert (mapping.kind, mapping.remote_id) == (EMPLOYEE, ben.code)
    twice = {f"user_{tenants.crew.pk}": f"employee:{ben.code}"}
    twice[f"user_{tenants.owner.pk}"] = f"employee:{ben.code}"
    assert client.post(url, twice).status_code == 400
    assert AuditEntry.objects.count() == calls


def test_approved_timesheets_go_as_time_activities_in_one_batch(
    connected: Connection, tenants: Tenants
) -> None:
    helpers.map_everything(connected)
    project = project_for(tenants)
    worker = map_user(connected, tenants.crew)
    billable = approved(tenants.alpha, tenants.crew, project, tenants.manager, notes="load-in")
    internal = approved(
        tenants.alpha, tenants.crew, project, tenants.manager, hours="2.25", billable=False
    )
    record(tenants.alpha, tenants.crew, project)  # submitted, not approved: stays
    rejected = record(tenants.alpha, tenants.crew, project)
    timesheets.reject(rejected, tenants.manager)

    run = sync(connected)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    pushes = time_pushes(connected)
    assert len(pushes) == 1 and "/batch" in pushes[0].url
    assert sorted(pushes[0].local_ids) == sorted([billable.pk, internal.pk])
    by_description = {row["Description"].split(" ")[0]: row for row in time_activities()}
    assert set(by_description) == {billable.number, internal.number}
    sent = by_description[billable.number]
    customer = ExternalRef.objects.get(entity=Entity.CUSTOMER, local_id=project.client_id)
    assert sent["NameOf"] == "Employee"
    assert sent["EmployeeRef"]["value"] == worker.remote_id
    assert sent["CustomerRef"]["value"] == customer.remote_id
    assert sent["BillableStatus"] == "Billable"
    assert (sent["Hours"], sent["Minutes"]) == (7, 30)
    assert sent["TxnDate"] == billable.worked_on.isoformat()
    other = by_description[internal.number]
    assert other["BillableStatus"] == "NotBillable" and "CustomerRef" not in other
    assert (other["Hours"], other["Minutes"]) == (2, 15)

    again = sync(connected)
    assert again.status == SyncRun.Status.SUCCEEDED, again.errors
    assert len(time_pushes(connected)) == 1  # nothing sent twice
    assert len(time_activities()) == 2


def test_an_unmapped_member_waits_visibly_and_goes_once_mapped(
    connected: Connection, tenants: Tenants
) -> None:
    helpers.map_everything(connected)
    project = project_for(tenants)
    entry = approved(tenants.alpha, tenants.crew, project, tenants.manager)

    run = sync(connected)

    assert time_pushes(connected) == [] and time_activities() == []
    [said] = [e["message"] for e in run.errors if e.get("entity") == Entity.TIME_ACTIVITY]
    assert str(tenants.crew) in said and "Crew in QuickBooks Online" in said
    link = ExternalRef.objects.get(entity=Entity.TIME_ACTIVITY, local_id=entry.pk)
    assert link.state == ExternalRef.State.WAITING and str(tenants.crew) in link.last_error
    page = client_for(tenants.manager).get(reverse("operations:timesheet_approvals"))
    assert link.last_error.encode() in page.content

    map_user(connected, tenants.crew, VENDOR)
    later = sync(connected)

    assert later.status == SyncRun.Status.SUCCEEDED, later.errors
    [sent] = time_activities()
    assert sent["NameOf"] == "Vendor" and sent["VendorRef"]["name"] == "Dana Freelance Rigging"
    link.refresh_from_db()
    assert link.state == ExternalRef.State.LINKED
    page = client_for(tenants.manager).get(reverse("operations:timesheet_approvals"))
    assert f"time activity {link.remote_id}".encode() in page.content
