from __future__ import annotations

from typing import Any

import pytest

from integrations.models import Connection, SyncRun
from sandbox.quickbooks.seed import ensure_demo_world
from tests.accounting.providers.quickbooks import helpers
from tests.conftest import Tenants, client_for


@pytest.fixture
def quickbooks_sandbox(live_server: Any, settings: Any, transactional_db: None) -> str:
    """Points every QuickBooks URL at the sandbox served by the live test server."""
    base = f"{live_server.url}/sandbox/quickbooks"
    settings.QUICKBOOKS_AUTHORIZE_URL = f"{base}/connect/oauth2"
    settings.QUICKBOOKS_TOKEN_URL = f"{base}/oauth2/v1/tokens/bearer"
    settings.QUICKBOOKS_REVOCATION_URL = f"{base}/v2/oauth2/tokens/revoke"
    settings.QUICKBOOKS_ISSUER = f"{base}/op/v1"
    settings.QUICKBOOKS_JWKS_URL = f"{base}/op/v1/jwks"
    settings.QUICKBOOKS_API_BASE = base
    settings.QUICKBOOKS_SANDBOX_API_BASE = base
    settings.SANDBOX_QUICKBOOKS_REDIRECT_URIS = [
        "http://testserver/settings/integrations/quickbooks/callback/"
    ]
    # No webhook or Disconnect URL calls unless a test asks; those are not this package's.
    settings.SANDBOX_QUICKBOOKS_WEBHOOK_URL = ""
    settings.SANDBOX_QUICKBOOKS_DISCONNECT_URL = ""
    settings.SANDBOX_QUICKBOOKS_WEBHOOK_ASYNC = False
    ensure_demo_world()
    return base


@pytest.fixture
def connected(quickbooks_sandbox: str, tenants: Tenants) -> Connection:
    """Alpha connected to the US demo company (Harbour Hire Co) through the consent."""
    helpers.connect(client_for(tenants.owner), helpers.US_REALM)
    return helpers.connection_for(helpers.US_REALM)


def sync(connection: Connection) -> SyncRun:
    from accounting.engine.sync import run_sync

    fresh = Connection.objects.select_related("organisation", "legal_entity").get(pk=connection.pk)
    return run_sync(fresh, SyncRun.Trigger.MANUAL)
