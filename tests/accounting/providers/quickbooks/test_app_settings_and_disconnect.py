"""An organisation's own Intuit app and environment, and Intuit's Disconnect URL."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from integrations import tasks
from integrations.models import Connection, ConnectionEvent, OAuthGrant, ProviderApp
from integrations.tokens import refresh_grant
from sandbox.quickbooks import clients, controls, inspect
from tests.accounting.providers.quickbooks import helpers
from tests.conftest import Tenants, client_for

APP = "/settings/integrations/quickbooks/app/"
DISCONNECTED = "/settings/integrations/quickbooks/disconnected/"
UNKNOWN_REALM = "9130000000000000"


@pytest.fixture
def queued_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Disconnect checks the web requests enqueued (run them with run_checks), and each
    company's check window open again."""
    for realm in (helpers.US_REALM, helpers.UK_REALM, UNKNOWN_REALM):
        cache.delete(f"integrations:disconnect-check:quickbooks:{realm}")
    queued: list[int] = []
    monkeypatch.setattr(tasks.confirm_remote_disconnect, "delay", queued.append)
    return queued


def run_checks(queued: list[int]) -> list[str]:
    return [tasks.confirm_remote_disconnect(connection_id) for connection_id in queued]


OWN = clients.RegisteredApp("org-own-intuit-app", "org-own-secret", ())


def test_an_organisation_connects_and_refreshes_with_its_own_app_in_intuits_sandbox(
    quickbooks_sandbox: str, tenants: Tenants, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The sandbox's Intuit knows only the organisation's app; production's base is dead.
    real = clients.registered_app()
    monkeypatch.setattr(
        clients,
        "registered_app",
        lambda: clients.RegisteredApp(OWN.client_id, OWN.client_secret, real.redirect_uris),
    )
    settings.QUICKBOOKS_API_BASE = "http://127.0.0.1:9/nowhere"
    owner = client_for(tenants.owner)
    saved = owner.post(
        APP,
        {"environment": "sandbox", "client_id": OWN.client_id, "client_secret": OWN.client_secret},
    )
    assert saved.status_code == 302
    app = ProviderApp.objects.get(organisation=tenants.alpha)
    assert (app.client_id, app.environment) == (OWN.client_id, "sandbox")
    from django.db import connection as db

    with db.cursor() as cursor:  # encrypted at rest
        cursor.execute("SELECT client_secret FROM integrations_providerapp")
        assert OWN.client_secret not in cursor.fetchone()[0]
    assert OWN.client_secret not in owner.get(APP).content.decode()

    helpers.connect(owner, helpers.US_REALM)

    connection = helpers.connection_for(helpers.US_REALM)
    assert connection.remote_name == "Harbour Hire Co"
    grant = OAuthGrant.objects.get(connections=connection)
    refreshed = refresh_grant(grant.pk, seen_version=grant.version)
    assert refreshed.version == grant.version + 1

    owner.post(APP, {"environment": "production", "use_patchbay_app": "on"})
    app.refresh_from_db()
    assert not app.uses_own_credentials and app.environment == "production"


def test_a_disconnect_made_inside_quickbooks_marks_the_connection_disconnected(
    connected: Connection, settings: Any, live_server: Any, queued_checks: list[int]
) -> None:
    settings.SANDBOX_QUICKBOOKS_DISCONNECT_URL = f"{live_server.url}{DISCONNECTED}"

    controls.disconnect_app(helpers.US_REALM)  # Intuit calls the Disconnect URL

    assert run_checks(queued_checks) == ["disconnected"]
    connected.refresh_from_db()
    assert connected.state == Connection.State.DISCONNECTED and connected.grant is None
    event = ConnectionEvent.objects.filter(connection=connected, kind="disconnected").get()
    assert "inside QuickBooks" in event.message


def test_a_forged_disconnect_call_changes_nothing(
    connected: Connection, client: Any, queued_checks: list[int]
) -> None:
    answer = client.get(DISCONNECTED, {"realmId": helpers.US_REALM})

    assert answer.status_code == 200
    assert run_checks(queued_checks) == ["still connected"]
    connected.refresh_from_db()
    assert connected.state == Connection.State.CONNECTED
    assert not ConnectionEvent.objects.filter(kind="disconnected").exists()


def test_the_disconnect_url_checks_a_company_once_per_window_and_never_in_the_request(
    connected: Connection, queued_checks: list[int]
) -> None:
    anonymous = Client()
    for _ in range(5):
        anonymous.get(DISCONNECTED, {"realmId": helpers.US_REALM})

    assert queued_checks == [connected.pk]
    assert inspect.count_refreshes(None) == 0  # no call to Intuit from the web requests
    run_checks(queued_checks)
    assert inspect.count_refreshes(None) == 1


def test_the_disconnect_url_answers_alike_for_known_unknown_and_malformed_realms(
    connected: Connection, queued_checks: list[int]
) -> None:
    anonymous = Client()
    answers = [
        anonymous.get(DISCONNECTED, {"realmId": realm})
        for realm in (helpers.US_REALM, UNKNOWN_REALM, "not-a-realm", "\u00b2" * 40)
    ]

    assert {answer.status_code for answer in answers} == {200}
    # The same page each time (apart from the per-response masked CSRF token).
    assert len({re.sub(rb"[A-Za-z0-9]{64}", b"", answer.content) for answer in answers}) == 1
    assert queued_checks == [connected.pk]
