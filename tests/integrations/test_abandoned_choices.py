"""An organisation picker left unanswered for ten minutes is closed by the sweep and the
tokens issued to it are revoked at the provider (Xero here; Sage's business choice in
tests/accounting/providers/sage/test_abandoned_choice.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.test import Client
from django.utils import timezone

from integrations.models import OAuthGrant, OAuthState
from integrations.tasks import expire_abandoned_choices
from sandbox.xero.seed import DEMO_COMPANY_UK, HARBOUR_BUILD
from tests.accounting.providers.sage.helpers import local
from tests.accounting.providers.xero.sandbox_flow import SANDBOX_USER as XERO_USER
from tests.conftest import Tenants, client_for
from tests.sandbox import flow as xero_flow


def xero_picker(client: Client) -> None:
    authorize = client.post("/settings/integrations/xero/connect/")["Location"]
    sign_in = client.get(local(authorize))["Location"]
    consent = client.post(local(sign_in), {"user": XERO_USER})["Location"]
    tenants = [str(DEMO_COMPANY_UK), str(HARBOUR_BUILD)]
    callback = client.post(local(consent), {"organisations": tenants})["Location"]
    assert client.get(local(callback))["Location"].endswith("/xero/choose/")


def abandon(refresh_token: str) -> None:
    assert expire_abandoned_choices() == 0  # still within its ten minutes
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert expire_abandoned_choices() == 1
    grant = OAuthGrant.objects.get()
    assert grant.status == OAuthGrant.Status.REVOKED and not grant.refresh_token
    assert OAuthState.objects.get().discard_outcome.startswith("revoked at")


def test_an_abandoned_xero_organisation_choice_is_revoked_after_ten_minutes(
    xero_sandbox: str, tenants: Tenants, settings: Any
) -> None:
    settings.SANDBOX_XERO_REDIRECT_URIS = ["http://testserver/settings/integrations/xero/callback/"]
    xero_picker(client_for(tenants.owner))
    refresh_token = OAuthGrant.objects.get().refresh_token

    abandon(refresh_token)

    refused = xero_flow.refresh(Client(), refresh_token)
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_grant")
