"""A crew member connects iCloud with an app-specific password and their assignments
land in a real CalDAV server (Radicale behind the iCloud fault layer): with a VTIMEZONE,
and put back after they delete one."""

from __future__ import annotations

from datetime import timedelta

import icalendar
import pytest
from django.test import Client
from django.utils import timezone

from calendars import tasks
from calendars.models import AccountCheck, CalendarTarget, EventLink
from integrations.models import AppPassword, Connection, SyncRun
from integrations.syncs import sync_connection
from operations.models import CrewAssignment, Project
from sandbox.icloud.server import ICloudSandbox
from tests.calendars.conftest import APP_PASSWORD, APPLE_ID
from tests.conftest import Tenants, client_for
from tests.factories import make_customer, make_project

CONNECT = "/settings/calendars/icloud/connect/"
CALENDAR = "patchbay-alpha-hire"  # "Patchbay - Alpha Hire", made by the first sync


def connect(client: Client, password: str = APP_PASSWORD) -> AccountCheck:
    """Submit the form, then do what the worker does with the check it enqueued."""
    response = client.post(CONNECT, {"apple_id": APPLE_ID, "app_password": password})
    assert response.status_code == 302, response.content
    attempt = AccountCheck.objects.latest("pk")
    assert response["Location"] == f"/settings/calendars/icloud/checks/{attempt.pk}/"
    tasks.check_icloud_account(attempt.pk)
    attempt.refresh_from_db()
    return attempt


def assignment_for(tenants: Tenants) -> CrewAssignment:
    project = make_project(tenants.alpha, make_customer(tenants.alpha))
    Project.objects.filter(pk=project.pk).update(status=Project.Status.CONFIRMED)
    return CrewAssignment.objects.create(
        organisation=tenants.alpha,
        project=project,
        user=tenants.crew,
        role="Rigger",
        starts_at=project.starts_at,
        ends_at=project.starts_at + timedelta(hours=8),
    )


def sync(connection: Connection) -> SyncRun:
    run_id = sync_connection(connection.pk, SyncRun.Trigger.MANUAL)
    assert run_id is not None
    return SyncRun.objects.get(pk=run_id)


def test_a_wrong_password_says_so_and_saves_nothing(
    icloud: ICloudSandbox, tenants: Tenants
) -> None:
    client = client_for(tenants.crew)

    attempt = connect(client, "wxyz-wxyz-wxyz-wxyz")

    assert attempt.status == AccountCheck.Status.REFUSED and attempt.password == ""
    page = client.get(f"/settings/calendars/icloud/checks/{attempt.pk}/").content.decode()
    assert "iCloud refused this Apple ID and app-specific password" in page
    assert not Connection.objects.exists() and not AppPassword.objects.exists()


def test_a_malformed_password_is_a_field_error_before_any_check(tenants: Tenants) -> None:
    response = client_for(tenants.crew).post(
        CONNECT, {"apple_id": APPLE_ID, "app_password": "my-apple-id-password"}
    )

    assert response.status_code == 400
    assert "16 letters" in response.content.decode()
    assert not AccountCheck.objects.exists()


def test_assignments_reach_icloud_with_a_vtimezone_and_come_back_after_a_delete(
    icloud: ICloudSandbox, tenants: Tenants, in_icloud: object
) -> None:
    client = client_for(tenants.crew)
    attempt = connect(client)
    assert attempt.status == AccountCheck.Status.CONNECTED and attempt.password == ""
    connection = Connection.objects.get(owner=tenants.crew, provider="icloud")
    assert connection.app_password is not None
    assert connection.app_password.password == APP_PASSWORD  # kept, encrypted at rest
    chosen = client.post(attempt_url(attempt), {"calendar": "new"})
    assert chosen["Location"] == "/settings/profile/"
    assignment = assignment_for(tenants)

    run = sync(connection)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    stored = icloud.stored_events(APPLE_ID, CALENDAR)
    link = EventLink.objects.get(source="assignment", source_id=assignment.pk)
    shift = icalendar.Calendar.from_ical(stored[f"{link.key}.ics"])
    [event] = shift.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Summer gala"
    assert str(event["DTSTART"].params["TZID"]) == tenants.alpha.timezone
    assert [str(z["TZID"]) for z in shift.walk("VTIMEZONE")] == [tenants.alpha.timezone]
    dates = EventLink.objects.get(source="project", source_id=assignment.project_id)
    assert "DTSTART;VALUE=DATE:" in stored[f"{dates.key}.ics"]  # the project's days

    in_icloud.delete(link.remote_id)  # type: ignore[attr-defined]
    assert f"{link.key}.ics" not in icloud.stored_events(APPLE_ID, CALENDAR)
    sync(connection)  # reconciled today already: nothing changed, nothing written
    assert f"{link.key}.ics" not in icloud.stored_events(APPLE_ID, CALENDAR)
    CalendarTarget.objects.update(reconciled_at=timezone.now() - timedelta(days=2))
    sync(connection)  # the daily reconcile puts it back

    again = icloud.stored_events(APPLE_ID, CALENDAR)
    assert set(again) == {f"{link.key}.ics", f"{dates.key}.ics"}


def attempt_url(attempt: AccountCheck) -> str:
    return f"/settings/calendars/icloud/checks/{attempt.pk}/"


@pytest.mark.parametrize("role", ["owner", "integration_manager", "bookkeeper"])
def test_another_user_cannot_open_someone_elses_check(
    icloud: ICloudSandbox, tenants: Tenants, role: str
) -> None:
    attempt = connect(client_for(tenants.crew))

    response = client_for(tenants.by_role[role]).get(attempt_url(attempt))

    assert response.status_code == 404


def test_changing_the_defaults_changes_what_the_next_push_writes(
    icloud: ICloudSandbox, tenants: Tenants
) -> None:
    crew = client_for(tenants.crew)
    attempt = connect(crew)
    crew.post(attempt_url(attempt), {"calendar": "new"})
    connection = Connection.objects.get(owner=tenants.crew, provider="icloud")
    assignment = assignment_for(tenants)
    sync(connection)
    shift = EventLink.objects.get(source="assignment", source_id=assignment.pk)
    assert "Rigger" not in icloud.stored_events(APPLE_ID, CALENDAR)[f"{shift.key}.ics"]
    assert len(icloud.stored_events(APPLE_ID, CALENDAR)) == 2  # the shift and the project

    saved = client_for(tenants.manager).post(
        "/settings/calendars/defaults/",
        {
            "platforms": ["icloud"],
            "scope": "assignments",
            "detail": "full",
            "frequency": "realtime",
            "target": "patchbay",
        },
    )
    assert saved.status_code == 302
    sync(connection)

    stored = icloud.stored_events(APPLE_ID, CALENDAR)
    assert list(stored) == [f"{shift.key}.ics"]  # the project's days left the calendar
    assert "Role: Rigger" in stored[f"{shift.key}.ics"]


def test_only_owners_and_integration_managers_change_the_defaults(tenants: Tenants) -> None:
    form = {"scope": "projects", "detail": "name", "frequency": "realtime", "target": "primary"}

    assert client_for(tenants.bookkeeper).get("/settings/calendars/defaults/").status_code == 200
    assert (
        client_for(tenants.bookkeeper).post("/settings/calendars/defaults/", form).status_code
        == 403
    )
    assert client_for(tenants.crew).get("/settings/calendars/defaults/").status_code == 403
    assert client_for(tenants.owner).post("/settings/calendars/defaults/", form).status_code == 302
