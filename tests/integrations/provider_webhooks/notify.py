"""Signed notifications as Xero and Intuit send them, for the receiver tests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from typing import Any

from django.conf import settings
from django.test import Client
from django.test.client import Client as DjangoClient

XERO_URL = "/settings/integrations/xero/webhook/"
QUICKBOOKS_URL = "/settings/integrations/quickbooks/webhook/"


def signature(key: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


def xero_event(tenant_id: str, category: str = "INVOICE", **overrides: Any) -> dict[str, Any]:
    resource = str(uuid.uuid4())
    return {
        "resourceUrl": f"https://api.xero.com/api.xro/2.0/Invoices/{resource}",
        "resourceId": resource,
        "eventDateUtc": "2026-05-04T09:20:11.902Z",
        "eventType": "UPDATE",
        "eventCategory": category,
        "tenantId": tenant_id,
        "tenantType": "ORGANISATION",
        **overrides,
    }


def xero_body(*tenant_ids: str, first: int = 1) -> bytes:
    events = [xero_event(tenant) for tenant in tenant_ids]
    return json.dumps(
        {
            "events": events,
            "firstEventSequence": first,
            "lastEventSequence": first + max(len(events) - 1, 0),
            "entropy": "QWERTYUIOPASDFGHJKLZ",
        }
    ).encode()


def quickbooks_body(*realm_ids: str) -> bytes:
    notifications = [
        {
            "realmId": realm,
            "dataChangeEvent": {
                "entities": [
                    {
                        "name": "Invoice",
                        "id": "130",
                        "operation": "Update",
                        "lastUpdated": "2026-05-04T09:20:11.000Z",
                    }
                ]
            },
        }
        for realm in realm_ids
    ]
    return json.dumps({"eventNotifications": notifications}).encode()


def post_xero(client: Client | DjangoClient, body: bytes, key: str | None = None) -> Any:
    sig = signature(settings.XERO_WEBHOOK_KEY if key is None else key, body)
    return client.post(
        XERO_URL, body, content_type="application/json", headers={"x-xero-signature": sig}
    )


def post_quickbooks(client: Client | DjangoClient, body: bytes, key: str | None = None) -> Any:
    token = settings.QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN if key is None else key
    return client.post(
        QUICKBOOKS_URL,
        body,
        content_type="application/json",
        headers={"intuit-signature": signature(token, body)},
    )
