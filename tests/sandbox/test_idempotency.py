"""Idempotency-Key: replays without a second write, refuses a reused key, forgets old keys."""

from __future__ import annotations

import json
from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from sandbox.xero.accounting.models import XeroIdempotentRequest, XeroInvoice, XeroPayment
from sandbox.xero.seed import HARBOUR_BUILD
from tests.sandbox import flow
from tests.sandbox.accounting import authorised_invoice, invoice, payment

KEY = {"Idempotency-Key": "pb-inv-5b88813c-v1"}


def test_same_key_and_body_replays_the_answer_without_writing_again(xero: flow.Xero) -> None:
    body = {"Invoices": [invoice(), invoice(Reference="PB-2")]}
    first = xero.put("Invoices", body, params="summarizeErrors=false", headers=KEY)
    again = xero.put("Invoices", body, params="summarizeErrors=false", headers=KEY)
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert XeroInvoice.objects.count() == 2
    assert again["X-MinLimit-Remaining"] == "58", "a replay is still a call"


def test_key_order_and_whitespace_in_the_body_do_not_matter(xero: flow.Xero) -> None:
    body = {"Invoices": [invoice()]}
    xero.put("Invoices", body, headers=KEY)
    reordered = b'{ "Invoices" : [' + json.dumps(invoice(), sort_keys=True).encode() + b"] }"
    again = xero.put("Invoices", None, headers=KEY, raw=reordered)
    assert again.status_code == 200 and XeroInvoice.objects.count() == 1


def test_same_key_with_a_different_body_is_refused(xero: flow.Xero) -> None:
    xero.put("Invoices", [invoice()], headers=KEY)
    other = xero.put("Invoices", [invoice(Reference="different")], headers=KEY)
    assert other.status_code == 400
    assert (
        other.json()["Detail"]
        == "Idempotency Key: pb-inv-5b88813c-v1 is used with a different request."
    )
    assert XeroInvoice.objects.count() == 1


def test_same_key_on_another_path_or_method_is_a_different_request(xero: flow.Xero) -> None:
    [created] = xero.put("Invoices", [invoice()], headers=KEY).json()["Invoices"]
    assert xero.post("Invoices", [invoice()], headers=KEY).status_code == 400
    assert (
        xero.post(f"Invoices/{created['InvoiceID']}", [invoice()], headers=KEY).status_code == 400
    )


def test_validation_errors_are_replayed_too(xero: flow.Xero) -> None:
    bad = [invoice(LineItems=[{"AccountCode": "999"}])]
    first = xero.put("Invoices", bad, headers=KEY)
    again = xero.put("Invoices", bad, headers=KEY)
    assert first.status_code == again.status_code == 400
    assert first.content == again.content


def test_refusals_before_processing_are_not_stored(xero: flow.Xero) -> None:
    assert xero.put("Invoices", None, headers=KEY, raw=b"{").status_code == 400
    assert not XeroIdempotentRequest.objects.exists()
    assert xero.put("Invoices", [invoice()], headers=KEY).status_code == 200


def test_keys_longer_than_128_characters_or_empty_are_refused(xero: flow.Xero) -> None:
    too_long = xero.put("Invoices", [invoice()], headers={"Idempotency-Key": "k" * 129})
    assert too_long.status_code == 400 and "128" in too_long.json()["Detail"]
    assert xero.put("Invoices", [invoice()], headers={"Idempotency-Key": " "}).status_code == 400
    assert (
        xero.put("Invoices", [invoice()], headers={"Idempotency-Key": "k" * 128}).status_code == 200
    )
    assert XeroInvoice.objects.count() == 1


def test_keys_are_forgotten_after_the_window(xero: flow.Xero, settings) -> None:
    settings.SANDBOX_XERO_IDEMPOTENCY_SECONDS = 60
    xero.put("Invoices", [invoice()], headers=KEY)
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        xero.token = flow.tokens(xero.client)["access_token"]
        again = xero.put("Invoices", [invoice(Reference="new request")], headers=KEY)
    assert again.status_code == 200 and XeroInvoice.objects.count() == 2


def test_keys_belong_to_one_tenant(xero: flow.Xero, app: Client) -> None:
    xero.put("Invoices", [invoice()], headers=KEY)
    harbour = flow.Xero(app, xero.token, HARBOUR_BUILD)
    response = harbour.put("Invoices", [invoice(Contact={"Name": "Someone"})], headers=KEY)
    assert response.status_code == 200 and XeroInvoice.objects.count() == 2


def test_payments_replay_too(xero: flow.Xero) -> None:
    created = authorised_invoice(xero)
    body = {"Payments": [payment(created["InvoiceID"], 100)]}
    first = xero.put("Payments", body, headers={"Idempotency-Key": "pay-1"})
    again = xero.put("Payments", body, headers={"Idempotency-Key": "pay-1"})
    assert first.content == again.content and XeroPayment.objects.count() == 1
