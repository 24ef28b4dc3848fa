"""The organisation's calendar defaults and how far a user may narrow them: a user may
put less in their calendar than the organisation allows, less often, never more."""

from __future__ import annotations

from django.db import models


class Scope(models.TextChoices):
    BOTH = "both", "Project dates and my assignments"
    ASSIGNMENTS = "assignments", "My assignments only (crew schedule)"
    PROJECTS = "projects", "Project dates only"


class Detail(models.TextChoices):
    FULL = "full", "Full: project, client, role, venue, notes and a link back"
    CLIENT = "client", "Project name and client"
    NAME = "name", "Project name only"


class Frequency(models.TextChoices):
    REALTIME = "realtime", "Real-time (within seconds)"
    QUARTER_HOUR = "quarter_hour", "Every 15 minutes"


class Target(models.TextChoices):
    PATCHBAY = "patchbay", "A Patchbay calendar of its own (recommended)"
    PRIMARY = "primary", "My main calendar"


def _rank(choices: type[models.TextChoices], value: str) -> int:
    return [choice for choice, _ in choices.choices].index(value)


def within(choices: type[models.TextChoices], mine: str, theirs: str) -> bool:
    """May a user choose `mine` where the organisation chose `theirs`? Scope is a set
    (both covers each alone; one alone covers only itself); detail and frequency are
    ordered from the most to the least."""
    if choices is Scope:
        return theirs == Scope.BOTH or mine == theirs
    return _rank(choices, mine) >= _rank(choices, theirs)


def allowed(choices: type[models.TextChoices], theirs: str) -> list[tuple[str, str]]:
    """The choices a user may pick under the organisation's `theirs`."""
    return [(value, label) for value, label in choices.choices if within(choices, value, theirs)]


def scope_includes(scope: str, what: str) -> bool:
    """Does `scope` put `what` (Scope.PROJECTS or Scope.ASSIGNMENTS) in the calendar?"""
    return scope in (Scope.BOTH, what)
