"""The Xero sandbox's deliveries against Xero's webhooks spec (xero-webhooks.yaml, read in
place from settings.SPECS_DIR), and the receiver's answer to them."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from integrations.provider_webhooks.models import SyncWakeup
from sandbox.xero import books
from sandbox.xero.seed import DEMO_COMPANY_UK
from sandbox.xero.webhooks import intent, sender
from tests.integrations.helpers import make_connection
from tests.integrations.provider_webhooks import notify
from tests.sandbox import flow
from tests.sandbox.accounting import BRIGHT_LIGHTS, authorised_invoice, payment
from tests.sandbox.specs import load
from tests.sandbox.test_credit_notes import create as create_credit_note

SPEC_URI = "urn:xero-webhooks"


@pytest.fixture
def validator(specs_dir: Path) -> Any:
    def for_schema(name: str) -> Draft202012Validator:
        spec = load(specs_dir / "xero" / "xero-webhooks.yaml")
        resource = Resource.from_contents(spec, default_specification=DRAFT202012)
        registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        schema = {"$ref": f"{SPEC_URI}#/components/schemas/{name}"}
        return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())

    return for_schema


@pytest.fixture
def deliveries(settings: Any, db: None) -> list[str]:
    """Bodies the sandbox sends for a contact, an invoice (created, then paid) and a credit
    note, made through the API and by the bookkeeper."""
    settings.SANDBOX_XERO_WEBHOOK_ASYNC = False
    xero = flow.xero_for(Client())
    intent.mark_verified()
    books.create_contact(DEMO_COMPANY_UK, "Walk-in Customer")
    invoice = authorised_invoice(xero)
    xero.put("Payments", payment(invoice["InvoiceID"], 10.0))
    create_credit_note(xero, Contact={"ContactID": BRIGHT_LIGHTS})
    bodies = [row.body for row in sender.batch_owed_events()]
    assert bodies
    return bodies


def test_sandbox_deliveries_match_the_spec(deliveries, validator):
    plain, credit_notes = validator("WebhookEvent"), validator("CreditNoteWebhookEvent")
    categories = set()
    for body in deliveries:
        payload = json.loads(body)
        plain.validate(payload)
        for event in payload["events"]:
            categories.add(event["eventCategory"])
            if event["eventCategory"] == "CREDITNOTE":
                credit_notes.validate({**payload, "events": [event]})
    assert categories == {"CONTACT", "INVOICE", "CREDITNOTE"}


def test_the_spec_catches_a_broken_payload(deliveries, validator):
    payload = json.loads(deliveries[0])
    del payload["events"][0]["tenantId"]
    assert list(validator("WebhookEvent").iter_errors(payload))


def test_the_receiver_accepts_sandbox_deliveries(deliveries, settings, tenants):
    connection = make_connection(
        tenants.alpha,
        remote_id=str(DEMO_COMPANY_UK),
        next_sync_at=timezone.now() + timedelta(hours=1),
    )
    provider = Client(enforce_csrf_checks=True)
    for body in deliveries:
        answer = notify.post_xero(provider, body.encode())
        assert answer.status_code == 200
        assert answer.content == b""
    assert SyncWakeup.objects.get().connection_id == connection.pk
