"""The sandbox console: what it shows, and its provider-side actions."""

from __future__ import annotations

from django.test import Client

from sandbox.xero import faults
from sandbox.xero.models import XeroConnection, XeroFault, XeroGrant
from sandbox.xero.seed import DEMO_COMPANY_UK, HARBOUR_BUILD
from tests.conftest import Tenants, client_for
from tests.sandbox import flow


def post(client: Client, **data: object):
    return client.post(flow.CONSOLE, data, follow=True)


def test_console_lists_users_organisations_grants_and_token_endings(app: Client) -> None:
    body = flow.tokens(app)
    flow.refresh(app, body["refresh_token"])
    page = app.get(flow.CONSOLE).content.decode()
    assert "Sandy Sandbox" in page and "other.user@xero.test" in page
    assert "Kiwi Gear Hire" in page and str(DEMO_COMPANY_UK) in page
    assert "…" + body["refresh_token"][-4:] in page
    assert "…" + body["access_token"][-4:] in page
    assert body["refresh_token"] not in page and body["access_token"] not in page
    assert "Rotated" in page
    assert "Working normally" in page


def test_console_seeds_a_fresh_database(db: None) -> None:
    page = Client().get(flow.CONSOLE).content.decode()
    assert "Harbour Build Ltd" in page


def test_console_never_shows_patchbay_data(tenants: Tenants) -> None:
    page = client_for(tenants.owner).get(flow.CONSOLE).content.decode()
    assert "Alpha Hire" not in page
    assert tenants.owner.email not in page
    assert "Sign out" not in page


def test_applying_a_fault_from_the_console(app: Client) -> None:
    body = flow.tokens(app)
    response = post(app, action="fault", target="token", mode="outage", minutes="5")
    assert "Token endpoint now fails: Outage (503 from the gateway) until" in (
        response.content.decode()
    )
    assert faults.active_fault(XeroFault.Target.TOKEN) is not None
    assert flow.refresh(app, body["refresh_token"]).status_code == 503


def test_slow_fault_without_a_delay_is_refused_beside_the_field(app: Client) -> None:
    response = app.post(flow.CONSOLE, {"action": "fault", "target": "api", "mode": "slow"})
    assert response.status_code == 400
    assert "Give a delay for a slow endpoint." in response.content.decode()
    assert not XeroFault.objects.exists()


def test_clearing_faults_from_the_console(app: Client) -> None:
    faults.start_api_outage()
    response = post(app, action="clear-faults")
    assert "All faults cleared" in response.content.decode()
    assert faults.active_fault(XeroFault.Target.API) is None


def test_expiring_refresh_tokens_from_the_console(app: Client) -> None:
    body = flow.tokens(app)
    response = post(app, action="expire-refresh", grant=XeroGrant.objects.get().pk)
    assert "refresh token(s) of sandbox.user@xero.test" in response.content.decode()
    assert flow.refresh(app, body["refresh_token"]).json() == {"error": "invalid_grant"}
    assert flow.api_get(app, flow.CONNECTIONS, body["access_token"]).status_code == 200


def test_revoking_the_app_from_the_console(app: Client) -> None:
    body = flow.tokens(app)
    response = post(app, action="revoke", grant=XeroGrant.objects.get().pk)
    assert "app revoked" in response.content.decode()
    assert not XeroConnection.objects.exists()
    assert flow.refresh(app, body["refresh_token"]).json() == {"error": "invalid_grant"}
    assert flow.api_get(app, flow.CONNECTIONS, body["access_token"]).status_code == 401


def test_disconnecting_a_tenant_from_the_console(app: Client) -> None:
    body = flow.tokens(app)
    connection = XeroConnection.objects.get(organisation__tenant_id=DEMO_COMPANY_UK)
    response = post(app, action="disconnect", connection=connection.pk)
    assert "Demo Company (UK) disconnected" in response.content.decode()
    listed = flow.api_get(app, flow.CONNECTIONS, body["access_token"]).json()
    assert [item["tenantId"] for item in listed] == [str(HARBOUR_BUILD)]
    org = flow.api_get(app, flow.ORGANISATION, body["access_token"], DEMO_COMPANY_UK)
    assert org.status_code == 403


def test_stale_or_unknown_actions_say_nothing_changed(app: Client) -> None:
    for data in ({"action": "revoke", "grant": "999"}, {"action": "disconnect"}, {}):
        response = post(app, **data)
        assert "nothing was changed" in response.content.decode()


def test_console_forms_require_csrf(world: None) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(flow.CONSOLE, {"action": "clear-faults"}).status_code == 403
