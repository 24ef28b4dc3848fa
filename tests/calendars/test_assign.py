"""Assigning crew over busy time from their own calendar: a warning with the clash,
then Assign anyway; without a clash it is saved at once."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from calendars.models import BusyBlock
from integrations.models import Connection
from operations.models import CrewAssignment, Project
from tests.conftest import Tenants, client_for
from tests.factories import make_customer, make_project

URL = "/settings/calendars/schedule/assign/"


def busy_block(tenants: Tenants, starts_at: datetime, hours: int) -> BusyBlock:
    connection = Connection.objects.create(
        organisation=tenants.alpha,
        owner=tenants.crew,
        provider="google-calendar",
        remote_id="crew@example.test",
        remote_name="crew@example.test",
        state=Connection.State.CONNECTED,
    )
    return BusyBlock.objects.create(
        organisation=tenants.alpha,
        connection=connection,
        user=tenants.crew,
        remote_key="k1",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
    )


def form(tenants: Tenants, project: Project, starts: datetime, **extra: str) -> dict[str, object]:
    local = starts.astimezone(ZoneInfo(tenants.alpha.timezone))
    return {
        "project": project.pk,
        "person": tenants.crew.pk,
        "role": "Rigger",
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (local + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        **extra,
    }


def test_assigning_over_busy_time_warns_with_the_clash_and_saves_nothing(
    tenants: Tenants,
) -> None:
    project = make_project(tenants.alpha, make_customer(tenants.alpha))
    starts = (timezone.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    busy_block(tenants, starts + timedelta(hours=1), hours=2)
    manager = client_for(tenants.manager)

    warned = manager.post(URL, form(tenants, project, starts))

    page = warned.content.decode()
    assert warned.status_code == 200 and 'data-testid="assign-clash"' in page
    assert "is busy then" in page and "Assign anyway" in page
    assert not CrewAssignment.objects.exists()
    saved = manager.post(URL, form(tenants, project, starts, over_busy_time="1"))
    assert saved.status_code == 302
    assert CrewAssignment.objects.get().user == tenants.crew


def test_assigning_outside_busy_time_saves_at_once(tenants: Tenants) -> None:
    project = make_project(tenants.alpha, make_customer(tenants.alpha))
    starts = (timezone.now() + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    busy_block(tenants, starts + timedelta(hours=5), hours=2)  # after the 4-hour shift

    saved = client_for(tenants.manager).post(URL, form(tenants, project, starts))

    assert saved.status_code == 302
    assert CrewAssignment.objects.count() == 1


def test_crew_and_bookkeepers_cannot_assign_and_other_tenants_projects_are_refused(
    tenants: Tenants,
) -> None:
    project = make_project(tenants.alpha, make_customer(tenants.alpha))
    theirs = make_project(tenants.bravo, make_customer(tenants.bravo))
    starts = timezone.now() + timedelta(days=3)

    assert client_for(tenants.crew).post(URL, form(tenants, project, starts)).status_code == 403
    assert client_for(tenants.bookkeeper).get(URL).status_code == 403
    foreign = client_for(tenants.manager).post(URL, form(tenants, theirs, starts))
    assert foreign.status_code == 400
    assert not CrewAssignment.objects.exists()


def test_an_assignment_ending_before_it_starts_is_a_field_error(tenants: Tenants) -> None:
    project = make_project(tenants.alpha, make_customer(tenants.alpha))
    starts = timezone.now() + timedelta(days=3)
    data = form(tenants, project, starts)
    data["ends_at"] = data["starts_at"]

    response = client_for(tenants.manager).post(URL, data)

    assert response.status_code == 400
    assert "must end after it starts" in response.content.decode()
