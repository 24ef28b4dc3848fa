"""The sandbox's demo world: Sage users, their businesses and books, with fixed ids."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.sage.accounting import demo
from sandbox.sage.models import SageBusiness, SageUser

# Business ids are 32 hexadecimal characters, as Sage's are.
DEMO_HIRE_UK = "5b1e0c6a3f2d4e8b9a7c6d5e4f3a2b1c"
LIFFEY_STAGING_IE = "8d4f2a6c1e3b4d5f9a0b7c8d6e5f4a3b"
CORK_EVENT_HIRE_IE = "c3a1e5f7b9d24c6e8a0f1b3d5e7a9c2f"

SANDBOX_USER = "sandbox.user@sage.test"
OTHER_USER = "other.user@sage.test"


@dataclass(frozen=True)
class BusinessSeed:
    guid: str
    name: str
    country: str
    currency: str
    is_demo: bool


@dataclass(frozen=True)
class UserSeed:
    email: str
    name: str
    guid: str
    country: str
    businesses: tuple[str, ...]  # the first is the lead business


BUSINESSES = (
    BusinessSeed(DEMO_HIRE_UK, "Demo Hire Ltd", "GB", "GBP", True),
    BusinessSeed(LIFFEY_STAGING_IE, "Liffey Staging Ltd", "IE", "EUR", False),
    BusinessSeed(CORK_EVENT_HIRE_IE, "Cork Event Hire", "IE", "EUR", False),
)

USERS = (
    UserSeed(
        SANDBOX_USER,
        "Sandy Sandbox",
        "0f6b7c3e9a2d4c1b8e5f7a9d2c4b6e8a",
        "GB",
        (DEMO_HIRE_UK, LIFFEY_STAGING_IE),
    ),
    UserSeed(
        OTHER_USER,
        "Orla Other",
        "7e2a9c4b1d6f4e3a8b0c5d7e9f1a3b5c",
        "IE",
        (CORK_EVENT_HIRE_IE,),
    ),
)


def ensure_demo_world() -> None:
    """Create the demo users, businesses and books if missing (safe on every request)."""
    if not _complete():
        for business in BUSINESSES:
            _ensure_business(business)
        for user in USERS:
            _ensure_user(user)
    demo.ensure_books([seed.guid for seed in BUSINESSES], DEMO_HIRE_UK)


def _complete() -> bool:
    users = SageUser.objects.filter(email__in=[user.email for user in USERS]).count()
    businesses = SageBusiness.objects.filter(guid__in=[b.guid for b in BUSINESSES]).count()
    return users == len(USERS) and businesses == len(BUSINESSES)


def _ensure_business(seed: BusinessSeed) -> None:
    SageBusiness.objects.get_or_create(
        guid=seed.guid,
        defaults={
            "name": seed.name,
            "country": seed.country,
            "currency": seed.currency,
            "is_demo": seed.is_demo,
        },
    )


def _ensure_user(seed: UserSeed) -> None:
    businesses = list(SageBusiness.objects.filter(guid__in=seed.businesses))
    lead = next((row for row in businesses if row.guid == seed.businesses[0]), None)
    user, _ = SageUser.objects.get_or_create(
        email=seed.email,
        defaults={
            "name": seed.name,
            "guid": seed.guid,
            "country": seed.country,
            "lead_business": lead,
        },
    )
    user.businesses.add(*businesses)
