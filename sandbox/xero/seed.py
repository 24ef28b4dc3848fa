"""The sandbox's demo world: Xero users, organisations and their books, with stable ids."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sandbox.xero.accounting import demo
from sandbox.xero.models import XeroOrganisation, XeroUser

DEMO_COMPANY_UK = uuid.UUID("ebddc92e-94e5-4238-bd7d-c957c8248082")
HARBOUR_BUILD = uuid.UUID("7c9d119c-a832-40b9-80e6-126044a033bc")
KIWI_GEAR_HIRE = uuid.UUID("ce1d5b1c-87e1-417d-8b43-a9669fc0324c")

SANDBOX_USER = "sandbox.user@xero.test"
OTHER_USER = "other.user@xero.test"


@dataclass(frozen=True)
class OrganisationSeed:
    tenant_id: uuid.UUID
    name: str
    currency: str
    country: str
    version: str
    timezone: str
    short_code: str
    is_demo: bool


@dataclass(frozen=True)
class UserSeed:
    email: str
    name: str
    xero_userid: uuid.UUID
    tenant_ids: tuple[uuid.UUID, ...]


ORGANISATIONS = (
    OrganisationSeed(
        DEMO_COMPANY_UK, "Demo Company (UK)", "GBP", "GB", "UK", "GMTSTANDARDTIME", "!dUk01", True
    ),
    OrganisationSeed(
        HARBOUR_BUILD, "Harbour Build Ltd", "GBP", "GB", "UK", "GMTSTANDARDTIME", "!hBl02", False
    ),
    OrganisationSeed(
        KIWI_GEAR_HIRE,
        "Kiwi Gear Hire",
        "NZD",
        "NZ",
        "NZ",
        "NEWZEALANDSTANDARDTIME",
        "!kGh03",
        False,
    ),
)

USERS = (
    UserSeed(
        SANDBOX_USER,
        "Sandy Sandbox",
        uuid.UUID("73f167e1-f2f9-469f-a379-8522e4f44192"),
        (DEMO_COMPANY_UK, HARBOUR_BUILD),
    ),
    UserSeed(
        OTHER_USER,
        "Otto Other",
        uuid.UUID("5a26644f-7ccc-4ccc-8ad2-e2976a714f0a"),
        (KIWI_GEAR_HIRE,),
    ),
)


def ensure_demo_world() -> None:
    """Create the demo users, organisations and books if missing (safe on every request)."""
    if not _complete():
        for organisation in ORGANISATIONS:
            _ensure_organisation(organisation)
        for user in USERS:
            _ensure_user(user)
    demo.ensure_books([seed.tenant_id for seed in ORGANISATIONS], DEMO_COMPANY_UK)


def _complete() -> bool:
    emails = [user.email for user in USERS]
    return XeroUser.objects.filter(email__in=emails).count() == len(USERS) and (
        XeroOrganisation.objects.filter(tenant_id__in=[o.tenant_id for o in ORGANISATIONS]).count()
        == len(ORGANISATIONS)
    )


def _ensure_organisation(seed: OrganisationSeed) -> None:
    XeroOrganisation.objects.get_or_create(
        tenant_id=seed.tenant_id,
        defaults={
            "name": seed.name,
            "base_currency": seed.currency,
            "country_code": seed.country,
            "version": seed.version,
            "xero_timezone": seed.timezone,
            "short_code": seed.short_code,
            "is_demo_company": seed.is_demo,
        },
    )


def _ensure_user(seed: UserSeed) -> None:
    user, _ = XeroUser.objects.get_or_create(
        email=seed.email, defaults={"name": seed.name, "xero_userid": seed.xero_userid}
    )
    # Adding an existing link is a no-op, so a half-seeded database is completed.
    user.organisations.add(*XeroOrganisation.objects.filter(tenant_id__in=seed.tenant_ids))
