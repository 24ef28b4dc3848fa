"""A Sage business choice left unanswered for ten minutes: closed, tokens revoked at Sage."""

from __future__ import annotations

from django.test import Client

from integrations.models import Connection, OAuthGrant
from sandbox.sage.seed import DEMO_HIRE_UK
from sandbox.sage.seed import SANDBOX_USER as SAGE_USER
from tests.accounting.providers.sage.helpers import local
from tests.conftest import Tenants, client_for
from tests.integrations.test_abandoned_choices import abandon
from tests.sandbox.sage import flow as sage_flow


def sage_picker(client: Client) -> None:
    authorize = client.post("/settings/integrations/sage/connect/")["Location"]
    sign_in = client.get(local(authorize))["Location"]
    consent = client.post(local(sign_in), {"user": SAGE_USER})["Location"]
    callback = client.post(local(consent), {"action": "allow"})["Location"]
    assert client.get(local(callback))["Location"].endswith("/sage/choose/")


def test_an_abandoned_sage_business_choice_is_revoked_after_ten_minutes(
    sage_sandbox: str, tenants: Tenants
) -> None:
    owner = client_for(tenants.owner)
    sage_picker(owner)
    refresh_token = OAuthGrant.objects.get().refresh_token

    abandon(refresh_token)

    refused = sage_flow.refresh(Client(), refresh_token)
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_grant")
    late = owner.post("/settings/integrations/sage/choose/", {"remote_id": DEMO_HIRE_UK})
    assert late.status_code == 302 and not Connection.objects.exists()
