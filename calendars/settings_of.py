"""What applies to one user: the organisation's defaults, narrowed by the user's own
choices where they narrow (a stored choice that no longer does is ignored)."""

from __future__ import annotations

from dataclasses import dataclass

from calendars.choices import Detail, Frequency, Scope, within
from calendars.models import CalendarPolicy, CalendarPreference


@dataclass(frozen=True)
class Effective:
    scope: str
    detail: str
    frequency: str
    platforms: tuple[str, ...]


def policy_of(organisation_id: int) -> CalendarPolicy:
    """The organisation's defaults; an organisation that never set them gets the
    built-in ones (saved on first change, not on read)."""
    policy = CalendarPolicy.objects.filter(organisation_id=organisation_id).first()
    return policy or CalendarPolicy(organisation_id=organisation_id)


def effective(policy: CalendarPolicy, preference: CalendarPreference | None) -> Effective:
    def pick(choices: type, mine: str, theirs: str) -> str:
        return mine if mine and within(choices, mine, theirs) else theirs

    return Effective(
        scope=pick(Scope, preference.scope if preference else "", policy.scope),
        detail=pick(Detail, preference.detail if preference else "", policy.detail),
        frequency=pick(Frequency, preference.frequency if preference else "", policy.frequency),
        platforms=tuple(policy.platforms),
    )


def effective_for(organisation_id: int, user_id: int) -> Effective:
    preference = CalendarPreference.objects.filter(
        organisation_id=organisation_id, user_id=user_id
    ).first()
    return effective(policy_of(organisation_id), preference)
