"""Which events a user's calendar should hold, as Patchbay sees it now.

One event per crew assignment (its own times) and, for project dates, one all-day
event per project the user works on, spanning its dates. What an event says depends on
the detail setting; every event says Patchbay keeps it and links back. Past events are
left as they are: only what ends after the start of yesterday is projected.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from calendars.choices import Detail, Scope, scope_includes
from calendars.event import EventDraft
from calendars.models import EventLink
from calendars.settings_of import Effective
from operations.models import CrewAssignment, Project
from tenancy.models import Organisation

# Enquiries are not booked work and cancelled projects are off: neither is in a calendar.
LIVE_PROJECTS = (Project.Status.CONFIRMED, Project.Status.IN_PROGRESS, Project.Status.COMPLETED)
NOTICE = (
    "Added by Patchbay, which keeps this event: changes made here are replaced at the next "
    "sync. To change it, change the project in Patchbay."
)
Wanted = dict[tuple[str, int], EventDraft]
FIELDS = fields(EventDraft)


@dataclass(frozen=True)
class Scene:
    """Everything a projection reads besides the records themselves."""

    organisation: Organisation
    user_id: int
    connection_id: int
    settings: Effective
    link_base: str  # absolute URL of the crew schedule page, for the link back


def event_key(scene: Scene, source: str, source_id: int, generation: int) -> str:
    """A stable id for one record's event in one connection's calendar: the same on every
    retry, a new one only for a new generation. "pb" and lowercase hex is valid as a
    Google event id (base32hex), a CalDAV file name and a Graph transactionId; being an
    HMAC, it shows no Patchbay ids to whoever the calendar is shared with."""
    message = f"{scene.organisation.pk}|{scene.connection_id}|{source}|{source_id}|{generation}"
    return "pb" + salted_hmac("patchbay.calendars.event", message).hexdigest()[:30]


def fingerprint(draft: EventDraft) -> str:
    # The fields read directly: asdict() deep-copies every value first.
    values = {
        field.name: str(getattr(draft, field.name)) for field in FIELDS if field.name != "uid"
    }
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def _since() -> datetime:
    return timezone.now() - timedelta(days=1)


def _assignments(scene: Scene) -> QuerySet[CrewAssignment]:
    return (
        CrewAssignment.objects.filter(
            organisation=scene.organisation,
            user_id=scene.user_id,
            project__status__in=LIVE_PROJECTS,
            ends_at__gte=_since(),
        )
        .select_related("project__client")
        .order_by("pk")
    )


def _projects(scene: Scene) -> QuerySet[Project]:
    return (
        Project.objects.filter(
            organisation=scene.organisation,
            assignments__user_id=scene.user_id,
            status__in=LIVE_PROJECTS,
            ends_at__gte=_since(),
        )
        .select_related("client")
        .distinct()
        .order_by("pk")
    )


def _title(project: Project, detail: str) -> str:
    if detail == Detail.NAME:
        return project.name
    return f"{project.name} · {project.client.name}"


def _description(scene: Scene, project: Project, role: str, day: date) -> str:
    parts = []
    if scene.settings.detail == Detail.FULL:
        parts += [f"Role: {role}" if role else "", f"Venue: {project.venue}", project.notes]
    parts += [NOTICE, f"{scene.link_base}?week={day.isoformat()}"]
    return "\n\n".join(part for part in parts if part and not part.endswith(": "))


def _location(project: Project, detail: str) -> str:
    return project.venue if detail == Detail.FULL else ""


def _assignment_draft(scene: Scene, assignment: CrewAssignment, key: str) -> EventDraft:
    project, zone = assignment.project, scene.organisation.timezone
    start = assignment.starts_at.astimezone(ZoneInfo(zone))
    return EventDraft(
        uid=key,
        title=_title(project, scene.settings.detail),
        start=start,
        end=assignment.ends_at.astimezone(ZoneInfo(zone)),
        time_zone=zone,
        description=_description(scene, project, assignment.role, start.date()),
        location=_location(project, scene.settings.detail),
        url=scene.link_base,
    )


def _project_draft(scene: Scene, project: Project, key: str) -> EventDraft:
    """Project dates as one all-day event: first to last day in the organisation's zone,
    the end exclusive (the day after the last)."""
    zone = ZoneInfo(scene.organisation.timezone)
    first, last = project.starts_at.astimezone(zone).date(), project.ends_at.astimezone(zone).date()
    return EventDraft(
        uid=key,
        title=_title(project, scene.settings.detail),
        start=first,
        end=last + timedelta(days=1),
        time_zone=scene.organisation.timezone,
        description=_description(scene, project, "", first),
        location=_location(project, scene.settings.detail),
        url=scene.link_base,
    )


def wanted(scene: Scene, generations: dict[tuple[str, int], int]) -> Wanted:
    """The events the user's calendar should hold, by (source, record id). `generations`
    holds the generation of each record's existing link (0 when it has none)."""
    events: Wanted = {}
    if scope_includes(scene.settings.scope, Scope.ASSIGNMENTS):
        for assignment in _assignments(scene):
            ref = (EventLink.Source.ASSIGNMENT.value, assignment.pk)
            key = event_key(scene, *ref, generations.get(ref, 0))
            events[ref] = _assignment_draft(scene, assignment, key)
    if scope_includes(scene.settings.scope, Scope.PROJECTS):
        for project in _projects(scene):
            ref = (EventLink.Source.PROJECT.value, project.pk)
            key = event_key(scene, *ref, generations.get(ref, 0))
            events[ref] = _project_draft(scene, project, key)
    return events
