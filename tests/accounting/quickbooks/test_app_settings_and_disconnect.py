"""An organisation's own Intuit app and environment, and Intuit's Disconnect URL."""

from __future__ import annotations

from typing import Any

import pytest

from integrations.models import Connection, ConnectionEvent, OAuthGrant, ProviderApp
from integrations.tokens import refresh_grant
from sandbox.quickbooks import clients, controls
from tests.accounting.quickbooks import helpers
from tests.conftest import Tenants, client_for

APP = "/settings/integrations/quickbooks/app/"
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
    connected: Connection, settings: Any, live_server: Any
) -> None:
    settings.SANDBOX_QUICKBOOKS_DISCONNECT_URL = (
        f"{live_server.url}/settings/integrations/quickbooks/disconnected/"
    )

    controls.disconnect_app(helpers.US_REALM)  # Intuit calls the Disconnect URL

    connected.refresh_from_db()
    assert connected.state == Connection.State.DISCONNECTED and connected.grant is None
    event = ConnectionEvent.objects.filter(connection=connected, kind="disconnected").get()
    assert "inside QuickBooks" in event.message


def test_a_forged_disconnect_call_changes_nothing(connected: Connection, client: Any) -> None:
    answer = client.get(
        "/settings/integrations/quickbooks/disconnected/", {"realmId": helpers.US_REALM}
    )

    assert answer.status_code == 200
    connected.refresh_from_db()
    assert connected.state == Connection.State.CONNECTED
    assert not ConnectionEvent.objects.filter(kind="disconnected").exists()
