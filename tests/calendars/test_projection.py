"""What a user's calendar should hold: events per scope, detail and time zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from calendars.choices import Detail, Frequency, Scope
from calendars.models import CalendarPolicy, CalendarPreference, EventLink
from calendars.projection import NOTICE, Scene, event_key, fingerprint, wanted
from calendars.settings_of import effective, effective_for
from operations.models import CrewAssignment, Project
from tests.conftest import Tenants
from tests.factories import make_customer, make_project

LINK = "https://patchbay.test/settings/calendars/schedule/"
ASSIGNMENT, PROJECT = EventLink.Source.ASSIGNMENT.value, EventLink.Source.PROJECT.value


def scene(tenants: Tenants, *, scope: str = Scope.BOTH, detail: str = Detail.NAME) -> Scene:
    settings = effective(
        CalendarPolicy(organisation=tenants.alpha, scope=scope, detail=detail), None
    )
    return Scene(tenants.alpha, tenants.crew.pk, 1, settings, LINK)


def assign(tenants: Tenants, project: Project, hours: tuple[int, int] = (9, 17)) -> CrewAssignment:
    day = project.starts_at.astimezone(ZoneInfo(tenants.alpha.timezone)).date()
    zone = ZoneInfo(tenants.alpha.timezone)
    return CrewAssignment.objects.create(
        organisation=tenants.alpha,
        project=project,
        user=tenants.crew,
        role="Rigger",
        starts_at=datetime.combine(day, datetime.min.time(), zone) + timedelta(hours=hours[0]),
        ends_at=datetime.combine(day, datetime.min.time(), zone) + timedelta(hours=hours[1]),
    )


@pytest.fixture
def gala(tenants: Tenants) -> Project:
    project = make_project(tenants.alpha, make_customer(tenants.alpha, "Harbour Festival"))
    project.status = Project.Status.CONFIRMED
    project.notes = "Load in by the stage door."
    project.save()
    return project


def test_an_assignment_is_a_timed_event_in_the_organisations_zone(
    tenants: Tenants, gala: Project
) -> None:
    assignment = assign(tenants, gala)

    events = wanted(scene(tenants, scope=Scope.ASSIGNMENTS), {})

    [(ref, draft)] = events.items()
    assert ref == (ASSIGNMENT, assignment.pk)
    assert draft.time_zone == tenants.alpha.timezone
    assert draft.start == assignment.starts_at and draft.end == assignment.ends_at
    assert isinstance(draft.start, datetime)
    assert str(draft.start.tzinfo) == tenants.alpha.timezone
    assert draft.title == "Summer gala"


def test_project_dates_are_one_all_day_event_with_an_exclusive_end(
    tenants: Tenants, gala: Project
) -> None:
    assign(tenants, gala)

    [draft] = wanted(scene(tenants, scope=Scope.PROJECTS), {}).values()

    zone = ZoneInfo(tenants.alpha.timezone)
    assert draft.all_day
    assert draft.start == gala.starts_at.astimezone(zone).date()
    assert draft.end == gala.ends_at.astimezone(zone).date() + timedelta(days=1)
    assert isinstance(draft.end, date) and not isinstance(draft.end, datetime)


def test_detail_levels_add_client_then_role_venue_and_notes(
    tenants: Tenants, gala: Project
) -> None:
    assign(tenants, gala)

    def only(detail: str) -> tuple[str, str, str]:
        [draft] = wanted(scene(tenants, scope=Scope.ASSIGNMENTS, detail=detail), {}).values()
        return draft.title, draft.description, draft.location

    name_title, name_text, name_place = only(Detail.NAME)
    client_title, client_text, _ = only(Detail.CLIENT)
    full_title, full_text, full_place = only(Detail.FULL)
    assert name_title == "Summer gala" and "Harbour Festival" not in name_text
    assert client_title == "Summer gala · Harbour Festival" and "Rigger" not in client_text
    assert (
        full_title == client_title
        and "Role: Rigger" in full_text
        and "Venue: Town hall" in full_text
    )
    assert "stage door" in full_text and full_place == "Town hall" and name_place == ""
    for text in (name_text, client_text, full_text):
        assert NOTICE in text and LINK in text


def test_enquiries_cancelled_projects_and_past_work_stay_out(
    tenants: Tenants, gala: Project
) -> None:
    assign(tenants, gala)
    enquiry = make_project(tenants.alpha, gala.client, name="Maybe")  # status: enquiry
    assign(tenants, enquiry)
    old = make_project(tenants.alpha, gala.client, name="Last year")
    Project.objects.filter(pk=old.pk).update(
        status=Project.Status.COMPLETED,
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=29),
    )
    old.refresh_from_db()
    assign(tenants, old)

    titles = {draft.title for draft in wanted(scene(tenants), {}).values()}

    assert titles == {"Summer gala"}
    gala.status = Project.Status.CANCELLED
    gala.save()
    assert wanted(scene(tenants), {}) == {}


def test_keys_are_stable_and_a_new_generation_gets_a_new_one(
    tenants: Tenants, gala: Project
) -> None:
    assignment = assign(tenants, gala)
    ref = (ASSIGNMENT, assignment.pk)

    first = wanted(scene(tenants, scope=Scope.ASSIGNMENTS), {})[ref]
    again = wanted(scene(tenants, scope=Scope.ASSIGNMENTS), {})[ref]
    bumped = wanted(scene(tenants, scope=Scope.ASSIGNMENTS), {ref: 1})[ref]

    assert first.uid == again.uid == event_key(scene(tenants), *ref, 0)
    assert bumped.uid != first.uid
    assert first.uid.startswith("pb") and len(first.uid) == 32
    assert set(first.uid) <= set("0123456789abcdefghijklmnopqrstuv")  # Google's base32hex
    assert fingerprint(first) == fingerprint(bumped)  # the same content, another key


def test_a_user_may_narrow_the_defaults_never_widen_them(tenants: Tenants) -> None:
    CalendarPolicy.objects.create(
        organisation=tenants.alpha,
        scope=Scope.ASSIGNMENTS,
        detail=Detail.CLIENT,
        frequency=Frequency.REALTIME,
    )
    preference = CalendarPreference.objects.create(
        organisation=tenants.alpha,
        user=tenants.crew,
        scope=Scope.BOTH,  # wider: ignored
        detail=Detail.FULL,  # wider: ignored
        frequency=Frequency.QUARTER_HOUR,  # narrower: applies
    )

    applied = effective_for(tenants.alpha.pk, tenants.crew.pk)
    assert (applied.scope, applied.detail, applied.frequency) == (
        Scope.ASSIGNMENTS,
        Detail.CLIENT,
        Frequency.QUARTER_HOUR,
    )
    preference.scope, preference.detail = Scope.PROJECTS, Detail.NAME  # sideways, narrower
    preference.save()
    applied = effective_for(tenants.alpha.pk, tenants.crew.pk)
    assert (applied.scope, applied.detail) == (Scope.ASSIGNMENTS, Detail.NAME)
