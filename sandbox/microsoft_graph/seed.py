"""The sandbox's demo accounts, each with its default calendar ("Calendar")."""

from __future__ import annotations

from sandbox.microsoft_graph.models import GraphCalendar, GraphUser

WORK_USER = "crew@contoso.test"  # a Microsoft 365 (work or school) account
PERSONAL_USER = "crew@outlook.test"  # a personal Microsoft account (outlook.com)
CONTOSO_TENANT = "6a1d9f52-3c4b-4e8a-9f0d-2b7c5e1a8d34"
# Personal accounts all sign in through Microsoft's consumer tenant.
CONSUMERS_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"

USERS = (
    (WORK_USER, "Casey Crew", "0b3f6c2e-8a1d-4f5b-9c7e-1d2a3b4c5d6e", CONTOSO_TENANT, False),
    (PERSONAL_USER, "Pat Personal", "7e5d4c3b-2a19-4f8e-8d7c-6b5a4f3e2d1c", CONSUMERS_TENANT, True),
)


def ensure_demo_world() -> None:
    for email, name, oid, tenant, personal in USERS:
        user, _ = GraphUser.objects.get_or_create(
            email=email,
            defaults={"name": name, "oid": oid, "tenant_id": tenant, "personal": personal},
        )
        default_calendar(user)


def default_calendar(user: GraphUser) -> GraphCalendar:
    found = user.calendars.filter(is_default=True).first()
    if found is None:
        found = GraphCalendar.objects.create(user=user, name="Calendar", is_default=True)
    return found
