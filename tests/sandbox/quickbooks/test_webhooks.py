"""Webhook notifications with intuit-signature, and the Disconnect URL call."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from sandbox.quickbooks import books, controls, inspect, notifications
from sandbox.quickbooks.models import QboDelivery
from tests.sandbox.quickbooks import flow
from tests.sandbox.quickbooks.receiver import receiver


def expected_signature(body: bytes, key: str) -> str:
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


def test_bookkeeper_change_posts_a_signed_notification(
    world: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with receiver() as hook:
        settings.SANDBOX_QUICKBOOKS_WEBHOOK_URL = hook.url
        with django_capture_on_commit_callbacks(execute=True):
            books.edit_invoice(flow.US_REALM, "1", private_note="changed by the bookkeeper")
        assert len(hook.requests) == 1
        sent = hook.requests[0]
    assert sent.method == "POST"
    signature = sent.headers["intuit-signature"]
    assert hmac.compare_digest(
        signature, expected_signature(sent.body, settings.SANDBOX_QUICKBOOKS_VERIFIER_TOKEN)
    )
    body = json.loads(sent.body)
    notification = body["eventNotifications"][0]
    assert notification["realmId"] == flow.US_REALM
    assert notification["dataChangeEvent"]["entities"] == [
        {
            "name": "Invoice",
            "id": "1",
            "operation": "Update",
            "lastUpdated": notification["dataChangeEvent"]["entities"][0]["lastUpdated"],
        }
    ]
    assert inspect.deliveries(QboDelivery.Kind.WEBHOOK)[0].status_code == 200


def test_api_write_notifies_payment_and_invoice(
    qbo: flow.Qbo, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with receiver() as hook:
        settings.SANDBOX_QUICKBOOKS_WEBHOOK_URL = hook.url
        with django_capture_on_commit_callbacks(execute=True):
            payment = qbo.create(
                "Payment",
                {
                    "CustomerRef": {"value": "1"},
                    "TotalAmt": 10,
                    "Line": [{"Amount": 10, "LinkedTxn": [{"TxnId": "1", "TxnType": "Invoice"}]}],
                },
            )
    entities = inspect.webhook_entities(flow.US_REALM)
    assert {(e["name"], e["id"], e["operation"]) for e in entities} == {
        ("Payment", payment["Id"], "Create"),
        ("Invoice", "1", "Update"),
    }


def test_refused_writes_and_switched_off_api_notifications_send_nothing(
    qbo: flow.Qbo, settings: Any
) -> None:
    settings.SANDBOX_QUICKBOOKS_WEBHOOK_URL = "http://127.0.0.1:9/hook"
    qbo.post("customer", {"DisplayName": "Harbour Build LLC"})  # 6240: nothing changed
    settings.SANDBOX_QUICKBOOKS_WEBHOOK_ON_API_WRITES = False
    qbo.create("Customer", {"DisplayName": "Quiet Co"})
    assert inspect.deliveries() == []


def test_cloudevents_format(world: None, settings: Any) -> None:
    settings.SANDBOX_QUICKBOOKS_WEBHOOK_URL = "http://127.0.0.1:9/hook"
    settings.SANDBOX_QUICKBOOKS_WEBHOOK_FORMAT = "cloudevents"
    customer = books.create_customer(flow.US_REALM, "Cloud Co")
    events = json.loads(inspect.deliveries()[0].body)
    assert events[0]["type"] == "qbo.customer.created.v1"
    assert events[0]["intuitentityid"] == customer.entity_id
    assert events[0]["intuitaccountid"] == flow.US_REALM


def test_dead_endpoint_is_recorded_not_raised(world: None, settings: Any) -> None:
    settings.SANDBOX_QUICKBOOKS_WEBHOOK_URL = "http://127.0.0.1:9/hook"  # nothing listens
    books.create_customer(flow.US_REALM, "Dead Hook Co")
    [delivery] = notifications.deliver_pending()
    assert delivery.status_code is None
    assert "ConnectionError" in delivery.error


def test_disconnect_revokes_and_calls_the_disconnect_url(
    app: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    tokens = controls.connect(flow.US_REALM)
    with receiver() as target:
        settings.SANDBOX_QUICKBOOKS_DISCONNECT_URL = target.url
        with django_capture_on_commit_callbacks(execute=True):
            controls.disconnect_app(flow.US_REALM)
        assert [(r.method, r.path) for r in target.requests] == [
            ("GET", f"/hook?realmId={flow.US_REALM}")
        ]
    assert flow.refresh(app, tokens.refresh_token).json() == {"error": "invalid_grant"}
    api = flow.Qbo(app, tokens.access_token, flow.US_REALM).get("preferences")
    assert api.status_code == 401
