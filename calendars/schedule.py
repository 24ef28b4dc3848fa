"""A week of crew work beside the busy time people marked in their own calendars, and
the clashes between the two (an assignment over a busy block)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from calendars.models import BusyBlock
from operations.models import CrewAssignment
from tenancy.models import Membership, Organisation, User


@dataclass
class Day:
    day: date
    assignments: list[CrewAssignment] = field(default_factory=list)
    busy: list[BusyBlock] = field(default_factory=list)

    @property
    def clashes(self) -> list[tuple[CrewAssignment, BusyBlock]]:
        return [(a, b) for a in self.assignments for b in self.busy if overlaps(a, b)]


@dataclass
class Row:
    person: User
    days: list[Day]


def overlaps(assignment: CrewAssignment, block: BusyBlock) -> bool:
    return assignment.starts_at < block.ends_at and block.starts_at < assignment.ends_at


def clashes_for(assignment: CrewAssignment) -> list[BusyBlock]:
    """Busy time of the assigned person that the assignment runs over."""
    return list(
        BusyBlock.objects.filter(
            organisation_id=assignment.organisation_id,
            user_id=assignment.user_id,
            starts_at__lt=assignment.ends_at,
            ends_at__gt=assignment.starts_at,
        ).order_by("starts_at")
    )


def _bounds(monday: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(monday, time.min))
    return start, start + timedelta(days=7)


def _people(organisation: Organisation, only: User | None) -> list[User]:
    if only is not None:
        return [only]
    memberships = Membership.objects.filter(organisation=organisation).select_related("user")
    return sorted((m.user for m in memberships), key=lambda user: user.email)


def week_of(organisation: Organisation, monday: date, only: User | None) -> list[Row]:
    """One row per person (everyone, or `only`), one cell per day: three queries."""
    start, end = _bounds(monday)
    people = _people(organisation, only)
    ids = [person.pk for person in people]
    work: dict[tuple[int, date], list[CrewAssignment]] = defaultdict(list)
    busy: dict[tuple[int, date], list[BusyBlock]] = defaultdict(list)
    assignments = CrewAssignment.objects.filter(
        organisation=organisation, user_id__in=ids, starts_at__lt=end, ends_at__gt=start
    ).select_related("project")
    for assignment in assignments.order_by("starts_at"):
        work[assignment.user_id, timezone.localdate(assignment.starts_at)].append(assignment)
    blocks = BusyBlock.objects.filter(
        organisation=organisation, user_id__in=ids, starts_at__lt=end, ends_at__gt=start
    )
    for block in blocks.order_by("starts_at"):
        for day in _days_covered(block, monday):
            busy[block.user_id, day].append(block)
    days = [monday + timedelta(days=n) for n in range(7)]
    return [
        Row(person, [Day(day, work[person.pk, day], busy[person.pk, day]) for day in days])
        for person in people
    ]


def _days_covered(block: BusyBlock, monday: date) -> list[date]:
    first = max(timezone.localdate(block.starts_at), monday)
    # A block ending at midnight does not cover the day that starts then.
    last = timezone.localdate(block.ends_at - timedelta(microseconds=1))
    last = min(last, monday + timedelta(days=6))
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
