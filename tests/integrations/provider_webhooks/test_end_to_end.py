"""The sandboxes' real deliveries over HTTP to the live test server's receivers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from integrations.models import Connection
from integrations.provider_webhooks.models import ProviderNotification, SyncWakeup
from sandbox.quickbooks import books as qbo_books
from sandbox.quickbooks.models import QboDelivery
from sandbox.quickbooks.seed import US_REALM
from sandbox.quickbooks.seed import ensure_demo_world as qbo_world
from sandbox.xero import books as xero_books
from sandbox.xero.seed import DEMO_COMPANY_UK, HARBOUR_BUILD
from sandbox.xero.webhooks import intent
from sandbox.xero.webhooks.models import XeroWebhookDelivery, XeroWebhookSubscription
from tests.conftest import Tenants
from tests.integrations.helpers import make_connection, next_sync_at
from tests.sandbox import flow

pytestmark = pytest.mark.django_db(transaction=True)
Outcome = ProviderNotification.Outcome


def connected(tenants: Tenants, provider: str, remote_id: str, **extra: Any) -> Connection:
    return make_connection(
        tenants.alpha,
        provider=provider,
        remote_id=remote_id,
        next_sync_at=timezone.now() + timedelta(hours=1),
        **extra,
    )


def pulled_in(connection: Connection) -> bool:
    """Its next sync, an hour away when connected(), was brought within minutes."""
    next_at = next_sync_at(connection)
    assert next_at is not None
    return next_at < timezone.now() + timedelta(minutes=30)


@pytest.fixture
def quickbooks_sends_here(live_server: Any, settings: Any) -> None:
    settings.SANDBOX_QUICKBOOKS_WEBHOOK_URL = (
        f"{live_server.url}/settings/integrations/quickbooks/webhook/"
    )
    settings.SANDBOX_QUICKBOOKS_DISCONNECT_URL = ""
    settings.SANDBOX_QUICKBOOKS_WEBHOOK_ASYNC = False
    qbo_world()


@pytest.fixture
def xero_sends_here(live_server: Any, settings: Any) -> None:
    settings.SANDBOX_XERO_WEBHOOK_URL = f"{live_server.url}/settings/integrations/xero/webhook/"
    settings.SANDBOX_XERO_WEBHOOK_ASYNC = False
    flow.xero_for(Client())  # the sandbox's app connected to Demo Company (UK) and Harbour


def test_quickbooks_sandbox_edit_reaches_the_receiver(tenants, quickbooks_sends_here):
    connection = connected(tenants, "quickbooks", US_REALM)
    qbo_books.edit_invoice(US_REALM, "1", private_note="Changed by the bookkeeper")
    delivery = QboDelivery.objects.get(kind=QboDelivery.Kind.WEBHOOK)
    assert delivery.status_code == 200
    assert pulled_in(connection)
    record = ProviderNotification.objects.get()
    assert (record.outcome, record.remote_ids) == (Outcome.SCHEDULED, [US_REALM])
    assert SyncWakeup.objects.get().connection_id == connection.pk


def test_xero_intent_to_receive_passes_against_the_receiver(db, xero_sends_here):
    hook = intent.send_intent_to_receive()
    assert hook.status == XeroWebhookSubscription.Status.OK, hook.status_reason
    answers = XeroWebhookDelivery.objects.order_by("kind").values_list("kind", "status_code")
    assert sorted(answers) == [("intent_missigned", 401), ("intent_signed", 200)]
    outcomes = sorted(ProviderNotification.objects.values_list("outcome", flat=True))
    assert outcomes == [Outcome.INTENT, Outcome.REFUSED]


def test_xero_sandbox_edit_reaches_the_receiver(tenants, xero_sends_here):
    intent.send_intent_to_receive()
    uk = connected(tenants, "xero", str(DEMO_COMPANY_UK))
    harbour = connected(tenants, "xero", str(HARBOUR_BUILD), grant=uk.grant)
    contact = xero_books.contacts_of(DEMO_COMPANY_UK)[0]
    line = {"Description": "Hire", "Quantity": "1", "UnitAmount": "100", "AccountCode": "200"}
    element = {"Type": "ACCREC", "Contact": {"ContactID": str(contact.contact_id)}}
    target = xero_books.create_invoice(DEMO_COMPANY_UK, element | {"LineItems": [line]})
    xero_books.edit_invoice(DEMO_COMPANY_UK, target.invoice_id, reference="Edited in Xero")
    deliveries = XeroWebhookDelivery.objects.filter(kind=XeroWebhookDelivery.Kind.EVENTS)
    assert sorted(deliveries.values_list("status", "status_code")) == [("delivered", 200)] * 2
    assert pulled_in(uk)
    assert not pulled_in(harbour)
    records = ProviderNotification.objects.filter(outcome=Outcome.SCHEDULED)
    assert [(r.remote_ids, r.connection_ids) for r in records] == [
        ([str(DEMO_COMPANY_UK)], [uk.pk])
    ] * 2
    assert SyncWakeup.objects.get().connection_id == uk.pk  # two notifications, one wake-up
