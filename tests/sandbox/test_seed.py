"""The sandbox's demo world, from a function, the sign-in page or a command."""

from __future__ import annotations

import uuid

from django.core.management import call_command
from django.test import Client

from sandbox.xero.models import XeroOrganisation, XeroUser
from sandbox.xero.seed import (
    DEMO_COMPANY_UK,
    HARBOUR_BUILD,
    KIWI_GEAR_HIRE,
    OTHER_USER,
    SANDBOX_USER,
    ensure_demo_world,
)
from tests.sandbox import flow


def tenants_of(email: str) -> set[uuid.UUID]:
    return set(XeroUser.objects.get(email=email).organisations.values_list("tenant_id", flat=True))


def test_demo_world_has_two_users_and_three_organisations_with_stable_ids(db: None) -> None:
    ensure_demo_world()
    ensure_demo_world()
    assert XeroUser.objects.count() == 2
    assert XeroOrganisation.objects.count() == 3
    assert XeroUser.objects.get(email=SANDBOX_USER).name == "Sandy Sandbox"
    assert tenants_of(SANDBOX_USER) == {DEMO_COMPANY_UK, HARBOUR_BUILD}
    assert tenants_of(OTHER_USER) == {KIWI_GEAR_HIRE}
    assert XeroOrganisation.objects.get(tenant_id=KIWI_GEAR_HIRE).base_currency == "NZD"


def test_a_half_seeded_database_is_completed(db: None) -> None:
    ensure_demo_world()
    XeroUser.objects.get(email=SANDBOX_USER).organisations.clear()
    XeroOrganisation.objects.filter(tenant_id=HARBOUR_BUILD).delete()
    ensure_demo_world()
    assert tenants_of(SANDBOX_USER) == {DEMO_COMPANY_UK, HARBOUR_BUILD}


def test_sign_in_page_seeds_a_fresh_database(db: None) -> None:
    client = Client()
    page = client.get(flow.start(client)).content.decode()
    assert SANDBOX_USER in page


def test_seed_sandbox_command(db: None) -> None:
    call_command("seed_sandbox")
    call_command("seed_sandbox")
    assert XeroOrganisation.objects.count() == 3
