"""Who is told about a notice, and how each of them chose to be told."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from attention.kinds import Choice, capability_of
from attention.models import Notice, NotificationPreference
from tenancy.models import Membership, User
from tenancy.roles import ROLE_CAPABILITIES, Capability


def roles_with(capability: Capability) -> list[str]:
    return [role for role, granted in ROLE_CAPABILITIES.items() if capability in granted]


def members_for(notice: Notice) -> list[User]:
    """The active members the notice is for: its one user, or those whose role can act."""
    rows = Membership.objects.filter(
        organisation_id=notice.organisation_id, user__is_active=True
    ).select_related("user")
    if notice.user_id is not None:
        rows = rows.filter(user_id=notice.user_id)
    else:
        rows = rows.filter(role__in=roles_with(Capability(notice.capability)))
    return [membership.user for membership in rows.order_by("user__email")]


def choices(organisation_id: int, user_ids: list[int], kind: str) -> dict[int, str]:
    """Each user's choice for the kind (immediately unless they chose otherwise)."""
    chosen = dict(
        NotificationPreference.objects.filter(
            organisation_id=organisation_id, user_id__in=user_ids, kind=kind
        ).values_list("user_id", "choice")
    )
    return {user_id: chosen.get(user_id, Choice.IMMEDIATELY) for user_id in user_ids}


def visible_to(notices: QuerySet[Notice], membership: Membership) -> QuerySet[Notice]:
    """The notices a member sees in Patchbay: their own, and those their role can act on."""
    granted = ROLE_CAPABILITIES.get(membership.role, frozenset())
    capabilities = [str(c) for c in granted]
    return notices.filter(organisation_id=membership.organisation_id).filter(
        Q(user_id=membership.user_id) | Q(user__isnull=True, capability__in=capabilities)
    )


def audience_capability(kind: str) -> str:
    capability = capability_of(kind)
    return "" if capability is None else str(capability)
