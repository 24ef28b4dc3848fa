"""The Xero sandbox's webhooks: which writes owe events, the payload and its signature,
the intent-to-receive check, retries with back-off and disabling."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any

import pytest
import responses
import time_machine
from django.test import Client
from django.utils import timezone

from sandbox.xero import books
from sandbox.xero.seed import DEMO_COMPANY_UK, HARBOUR_BUILD
from sandbox.xero.webhooks import intent, sender
from sandbox.xero.webhooks.models import (
    XeroWebhookDelivery,
    XeroWebhookEvent,
    XeroWebhookSubscription,
)
from tests.sandbox import flow
from tests.sandbox.accounting import BRIGHT_LIGHTS, authorised_invoice, payment
from tests.sandbox.test_credit_notes import create as create_credit_note

HOOK_URL = "https://receiver.example.test/xero/webhook/"
Status = XeroWebhookSubscription.Status
Delivery = XeroWebhookDelivery


@pytest.fixture(autouse=True)
def _receiver_url(settings: Any) -> None:
    settings.SANDBOX_XERO_WEBHOOK_URL = HOOK_URL
    settings.SANDBOX_XERO_WEBHOOK_ASYNC = False


@pytest.fixture
def subscribed(xero: flow.Xero) -> flow.Xero:
    intent.mark_verified()
    return xero


def owed() -> list[dict[str, Any]]:
    """The events owed so far, batched into deliveries, as the receiver would get them."""
    made = sender.batch_owed_events()
    return [event for delivery in made for event in json.loads(delivery.body)["events"]]


def signature_of(body: str, key: str) -> str:
    return base64.b64encode(hmac.new(key.encode(), body.encode(), hashlib.sha256).digest()).decode()


def test_nothing_is_owed_before_the_intent_check_passes(xero):
    assert xero.put("Contacts", {"Name": "Stage Left Ltd"}).status_code == 200
    assert XeroWebhookEvent.objects.count() == 0
    assert sender.subscription().status == Status.INTENT_REQUIRED


def test_api_writes_owe_create_and_update_events(subscribed):
    created = subscribed.put("Contacts", {"Name": "Stage Left Ltd"}).json()["Contacts"][0]
    subscribed.post(f"Contacts/{created['ContactID']}", {"EmailAddress": "hi@stageleft.test"})
    events = owed()
    assert [(e["eventCategory"], e["eventType"]) for e in events] == [
        ("CONTACT", "CREATE"),
        ("CONTACT", "UPDATE"),
    ]
    assert {e["resourceId"] for e in events} == {created["ContactID"]}
    assert events[0]["tenantId"] == str(DEMO_COMPANY_UK)
    assert events[0]["tenantType"] == "ORGANISATION"
    assert events[0]["resourceUrl"].endswith(f"/Contacts/{created['ContactID']}")
    assert "data" not in events[0]  # no entity data in a contact event


def test_a_write_that_changes_nothing_owes_nothing(subscribed):
    created = subscribed.put("Contacts", {"Name": "Stage Left Ltd"}).json()["Contacts"][0]
    owed()
    subscribed.post(f"Contacts/{created['ContactID']}", {"Name": "Stage Left Ltd"})
    assert owed() == []


def test_a_payment_is_an_invoice_update_and_credit_notes_carry_type_and_status(subscribed):
    invoice = authorised_invoice(subscribed)
    subscribed.put("Payments", payment(invoice["InvoiceID"], 10.0))
    create_credit_note(subscribed, Contact={"ContactID": BRIGHT_LIGHTS})
    events = owed()
    kinds = [(e["eventCategory"], e["eventType"]) for e in events]
    assert kinds == [("INVOICE", "CREATE"), ("INVOICE", "UPDATE"), ("CREDITNOTE", "CREATE")]
    assert events[2]["data"] == {"Type": "ACCRECCREDIT", "Status": "AUTHORISED"}


def test_items_and_refused_writes_owe_nothing(subscribed):
    subscribed.put("Items", {"Code": "NEW-1", "Name": "New item"})
    refused = subscribed.put("Contacts", [{"Name": "Twin"}, {"Name": "Twin"}])
    assert refused.status_code == 400
    assert owed() == []


def test_bookkeeper_changes_owe_events(subscribed):
    books.create_contact(DEMO_COMPANY_UK, "Walk-in Customer")
    books.create_contact(HARBOUR_BUILD, "Harbour Walk-in")
    events = owed()
    assert sorted(e["tenantId"] for e in events) == sorted(
        [str(DEMO_COMPANY_UK), str(HARBOUR_BUILD)]
    )
    assert Delivery.objects.count() == 1  # one delivery can carry several tenants


def test_an_organisation_not_connected_to_the_app_owes_nothing(subscribed, world):
    from sandbox.xero.seed import KIWI_GEAR_HIRE

    books.create_contact(KIWI_GEAR_HIRE, "Kiwi Walk-in")
    assert owed() == []


@responses.activate
def test_delivery_is_signed_over_the_exact_body(subscribed, settings):
    responses.post(HOOK_URL, status=200)
    books.create_contact(DEMO_COMPANY_UK, "Walk-in Customer")
    [delivery] = sender.send_owed()
    assert delivery.status == Delivery.Status.DELIVERED
    sent = responses.calls[0].request
    body = sent.body.decode() if isinstance(sent.body, bytes) else str(sent.body)
    assert sent.headers["x-xero-signature"] == signature_of(body, settings.XERO_WEBHOOK_KEY)
    payload = json.loads(body)
    assert set(payload) == {"events", "firstEventSequence", "lastEventSequence", "entropy"}
    assert payload["firstEventSequence"] <= payload["lastEventSequence"]
    assert len(payload["entropy"]) == 20


def test_sequences_grow_from_one_delivery_to_the_next(subscribed):
    books.create_contact(DEMO_COMPANY_UK, "First Customer")
    [first] = (json.loads(row.body) for row in sender.batch_owed_events())
    books.create_contact(DEMO_COMPANY_UK, "Second Customer")
    [second] = (json.loads(row.body) for row in sender.batch_owed_events())
    assert first["firstEventSequence"] == first["lastEventSequence"] >= 1
    assert second["firstEventSequence"] > first["lastEventSequence"]


@responses.activate
def test_failures_are_retried_with_growing_delays_then_the_webhook_is_disabled(subscribed):
    responses.post(HOOK_URL, status=500)
    books.create_contact(DEMO_COMPANY_UK, "Walk-in Customer")
    [delivery] = sender.send_owed()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.RETRYING, 1)
    assert delivery.next_attempt_at and delivery.last_attempt_at
    gaps = [delivery.next_attempt_at - delivery.last_attempt_at]
    start = timezone.now()
    for hours in range(1, 30):
        with time_machine.travel(start + timedelta(hours=hours)):
            for row in sender.deliver_due():
                if row.next_attempt_at and row.last_attempt_at:
                    gaps.append(row.next_attempt_at - row.last_attempt_at)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert gaps == sorted(gaps) and gaps[0] < gaps[-1]  # decreasing frequency
    assert sender.subscription().status == Status.DISABLED
    books.create_contact(DEMO_COMPANY_UK, "After the disable")
    assert owed() == []


@responses.activate
def test_a_recovered_receiver_gets_the_retry(subscribed):
    responses.post(HOOK_URL, status=503)
    books.create_contact(DEMO_COMPANY_UK, "Walk-in Customer")
    sender.send_owed()
    responses.replace(responses.POST, HOOK_URL, status=200)
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        [retried] = sender.deliver_due()
    assert (retried.status, retried.attempts) == (Delivery.Status.DELIVERED, 2)


@responses.activate
def test_a_redirect_is_a_failure_not_followed(subscribed):
    responses.post(HOOK_URL, status=302, headers={"Location": "https://elsewhere.test/"})
    books.create_contact(DEMO_COMPANY_UK, "Walk-in Customer")
    [delivery] = sender.send_owed()
    assert delivery.status == Delivery.Status.RETRYING
    assert len(responses.calls) == 1


@responses.activate
def test_intent_fails_when_the_receiver_accepts_a_wrong_signature(world):
    responses.post(HOOK_URL, status=200)
    hook = intent.send_intent_to_receive()
    assert hook.status == Status.INTENT_REQUIRED
    assert "wrongly signed request got 200, expected 401" in hook.status_reason
    bodies = [json.loads(call.request.body or b"") for call in responses.calls]
    assert [body["events"] for body in bodies] == [[], []]


@responses.activate
def test_intent_fails_on_a_body_in_the_answer(world, settings):
    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        expected = signature_of(request.body.decode(), settings.XERO_WEBHOOK_KEY)
        right = request.headers["x-xero-signature"] == expected
        return (200, {}, "OK") if right else (401, {}, "")

    responses.add_callback(responses.POST, HOOK_URL, callback=answer)
    hook = intent.send_intent_to_receive()
    assert hook.status == Status.INTENT_REQUIRED
    assert "had a body" in hook.status_reason


@responses.activate
def test_intent_passes_on_200_and_401_and_re_enables(world, settings):
    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        expected = signature_of(request.body.decode(), settings.XERO_WEBHOOK_KEY)
        return (200 if request.headers["x-xero-signature"] == expected else 401), {}, ""

    responses.add_callback(responses.POST, HOOK_URL, callback=answer)
    XeroWebhookSubscription.objects.create(
        client_id=sender.app_client_id(), url=HOOK_URL, status=Status.DISABLED
    )
    assert intent.send_intent_to_receive().status == Status.OK


def test_a_new_url_needs_a_new_check(subscribed, settings):
    settings.SANDBOX_XERO_WEBHOOK_URL = "https://moved.example.test/hook/"
    assert sender.subscription().status == Status.INTENT_REQUIRED


def test_the_console_shows_the_webhook_panel(subscribed):
    page = Client().get("/sandbox/xero/console/")
    assert page.status_code == 200
    assert b"Send intent to receive" in page.content
    assert HOOK_URL.encode() in page.content


@responses.activate
def test_the_console_sends_intent_to_receive(world):
    responses.post(HOOK_URL, status=401)
    page = Client().post("/sandbox/xero/console/", {"action": "webhook-intent"}, follow=True)
    assert page.status_code == 200
    assert b"Intent to receive required" in page.content
    assert Delivery.objects.filter(kind=Delivery.Kind.INTENT_SIGNED, status_code=401).exists()
