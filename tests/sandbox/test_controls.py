"""The provider-side actions and inspection helpers that other tests call directly."""

from __future__ import annotations

import pytest
from django.test import Client

from sandbox.xero import controls, inspect
from sandbox.xero.models import XeroConnection, XeroGrant
from sandbox.xero.seed import DEMO_COMPANY_UK, HARBOUR_BUILD, KIWI_GEAR_HIRE, SANDBOX_USER
from tests.sandbox import flow


def test_expire_refresh_tokens_for_a_user(app: Client) -> None:
    body = flow.tokens(app)
    assert controls.expire_refresh_tokens_for(SANDBOX_USER) == 1
    assert flow.refresh(app, body["refresh_token"]).json() == {"error": "invalid_grant"}


def test_expiring_also_ends_a_grace_window(app: Client) -> None:
    body = flow.tokens(app)
    flow.refresh(app, body["refresh_token"])
    controls.expire_refresh_tokens_for(SANDBOX_USER)
    assert flow.refresh(app, body["refresh_token"]).json() == {"error": "invalid_grant"}


def test_revoke_app_for_a_user(app: Client) -> None:
    body = flow.tokens(app)
    controls.revoke_app_for(SANDBOX_USER)
    assert inspect.connected_tenants(SANDBOX_USER) == []
    assert flow.api_get(app, flow.CONNECTIONS, body["access_token"]).status_code == 401


def test_disconnect_one_tenant_for_a_user(app: Client) -> None:
    flow.tokens(app)
    controls.disconnect_tenant_for(SANDBOX_USER, str(DEMO_COMPANY_UK))
    assert inspect.connected_tenants(SANDBOX_USER) == [str(HARBOUR_BUILD)]
    with pytest.raises(XeroConnection.DoesNotExist):
        controls.disconnect_tenant_for(SANDBOX_USER, DEMO_COMPANY_UK)


def test_controls_name_a_missing_grant_clearly(world: None) -> None:
    with pytest.raises(XeroGrant.DoesNotExist):
        controls.revoke_app_for(SANDBOX_USER)


def test_live_tokens_follow_rotation_and_revocation(app: Client) -> None:
    body = flow.tokens(app)
    assert inspect.live_tokens("refresh") == 1 and inspect.live_tokens("access") == 1
    flow.refresh(app, body["refresh_token"])
    assert inspect.live_tokens("refresh") == 1 and inspect.live_tokens("access") == 2
    controls.revoke_app_for(SANDBOX_USER)
    assert inspect.live_tokens() == 0


def test_consent_refuses_an_organisation_the_user_cannot_access(visitor: Client) -> None:
    consent_url = flow.sign_in(visitor, flow.start(visitor))
    response = visitor.post(consent_url, {"action": "allow", "organisations": [KIWI_GEAR_HIRE]})
    assert response.status_code == 400
    assert not XeroConnection.objects.exists()
