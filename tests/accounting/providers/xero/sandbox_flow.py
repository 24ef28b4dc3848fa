"""Connecting through the Xero sandbox with the Django test client (no browser)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.test import Client

from sandbox.xero.models import XeroOrganisation

SANDBOX_USER = "sandbox.user@xero.test"


def _local(url: str) -> str:
    """The test client speaks to this process whatever the host: keep path and query."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def connect_through_sandbox(client: Client, organisation: str = "Demo Company (UK)") -> Any:
    consent_start = client.post("/settings/integrations/xero/connect/")["Location"]
    sign_in = client.get(_local(consent_start))["Location"]
    consent = client.post(_local(sign_in), {"user": SANDBOX_USER})["Location"]
    tenant = XeroOrganisation.objects.get(name=organisation).tenant_id
    callback = client.post(_local(consent), {"organisations": [str(tenant)]})["Location"]
    return client.get(_local(callback))
