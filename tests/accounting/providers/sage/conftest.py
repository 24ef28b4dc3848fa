"""Fixtures for the Sage provider against the Sage sandbox served by the live test server."""

from __future__ import annotations

from typing import Any

import pytest

from integrations.models import Connection
from sandbox.sage.seed import ensure_demo_world
from tests import factories
from tests.accounting.providers.sage.helpers import connect_through_sandbox, map_everything
from tests.conftest import Tenants, client_for


@pytest.fixture
def sage_sandbox(live_server: Any, settings: Any, transactional_db: None) -> str:
    """Points every Sage URL at the sandbox served by the live test server. The test
    client's callback host is testserver, which is the redirect URI registered."""
    base = f"{live_server.url}/sandbox/sage"
    settings.SAGE_AUTHORIZE_URL = f"{base}/oauth2/auth/central?filter=apiv3.1"
    settings.SAGE_TOKEN_URL = f"{base}/oauth/token"
    settings.SAGE_REVOKE_URL = f"{base}/oauth/revoke"
    settings.SAGE_API_BASE = f"{base}/v3.1"
    settings.SANDBOX_SAGE_REDIRECT_URIS = ["http://testserver/settings/integrations/sage/callback/"]
    # Tests prove every call names its business: Sage would default to the lead one.
    settings.SANDBOX_SAGE_REQUIRE_BUSINESS_HEADER = True
    ensure_demo_world()
    return base


@pytest.fixture
def sage_connected(sage_sandbox: str, tenants: Tenants) -> Connection:
    """Alpha connected to Demo Hire Ltd (UK) through the sandbox, everything mapped."""
    connect_through_sandbox(client_for(tenants.owner))
    connection = Connection.objects.select_related("organisation").get()
    factories.line(tenants.alpha, "1.00")  # makes the tax and income categories to map
    map_everything(connection)
    return connection
