"""An API key expiring within 7 days: those who manage API access hear once; revoking it
(after moving to a new key) closes the notice. Owners cannot turn this kind off."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from apikeys import services as keys
from attention.kinds import Kind
from attention.scan import scan
from tests.attention.helpers import open_notices, recipients
from tests.conftest import Tenants, client_for

MANAGERS = ["integration_manager@alpha.test", "owner@alpha.test"]


def test_a_key_about_to_expire_mails_the_managers_once_and_revoking_it_closes_the_notice(
    tenants: Tenants,
) -> None:
    key = keys.create_key(
        tenants.alpha,
        name="Stock sync",
        scopes={},
        created_by=tenants.owner,
        expires_at=timezone.now() + timedelta(days=30),
    ).key
    scan()
    assert open_notices(Kind.API_KEY_EXPIRING) == []  # a month away: nothing yet

    scan(timezone.now() + timedelta(days=24))
    scan(timezone.now() + timedelta(days=25))
    assert recipients("API key Stock sync") == MANAGERS
    assert "Create a replacement key" in next(iter(open_notices(Kind.API_KEY_EXPIRING))).detail

    client_for(tenants.manager).post(f"/settings/api/keys/{key.pk}/revoke/")
    scan(timezone.now() + timedelta(days=25))
    assert open_notices(Kind.API_KEY_EXPIRING) == []
    assert recipients("Recovered: API key Stock sync") == MANAGERS


def test_an_owner_cannot_turn_off_security_notices_but_a_manager_can(tenants: Tenants) -> None:
    url = "/settings/notifications/preferences/"
    everything_off = {kind: "off" for kind in Kind.values}

    owner = client_for(tenants.owner).post(url, everything_off)

    assert owner.status_code == 400
    page = owner.content.decode()
    assert "is about security, so an owner cannot turn it off" in page
    assert "An API key expiring within 7 days" in page
    manager = client_for(tenants.manager).post(url, everything_off)
    assert manager.status_code == 302
