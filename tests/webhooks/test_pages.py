"""Endpoint pages and the delivery logs, as each role sees them."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.urls import reverse

from integrations.vault import decrypt
from operations import services as operations
from tests.conftest import Tenants, client_for
from tests.webhooks.helpers import make_endpoint
from webhooks.models import Delivery, Endpoint

CREATE = reverse("apikeys:webhooks:endpoint_create")
LOGS = reverse("apikeys:webhooks:deliveries")


def _raw_secret_column(endpoint: Endpoint) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM webhooks_endpoint WHERE id = %s", [endpoint.pk])
        return str(cursor.fetchone()[0])


def test_adding_an_endpoint_shows_its_secret_once_and_stores_it_encrypted(
    tenants: Tenants, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_for(tenants.manager)
    with caplog.at_level(logging.DEBUG):
        response = client.post(
            CREATE,
            {
                "url": "https://hooks.example.com/in",
                "event_types": ["invoice.paid", "quote.approved"],
            },
        )
    assert response.status_code == 201
    secret = response.context["secret"]
    assert secret.startswith("whsec_")
    endpoint = Endpoint.objects.get()
    assert secret not in _raw_secret_column(endpoint)
    assert decrypt(_raw_secret_column(endpoint)) == secret
    page = client.get(reverse("apikeys:index")).content.decode()
    assert secret not in page
    assert f"••••{secret[-4:]}" in page
    assert secret not in caplog.text


def test_an_unsafe_url_is_refused_beside_the_field(tenants: Tenants, settings: object) -> None:
    settings.WEBHOOKS_ALLOW_LOOPBACK_HTTP = False  # type: ignore[attr-defined]
    response = client_for(tenants.manager).post(
        CREATE, {"url": "http://169.254.169.254/", "event_types": ["invoice.paid"]}
    )
    assert response.status_code == 400
    assert "url" in response.context["form"].errors
    assert not Endpoint.objects.exists()


def _url_help(tenants: Tenants) -> str:
    form = client_for(tenants.manager).get(CREATE).context["form"]
    return str(form["url"].help_text)


def test_the_url_help_says_loopback_http_is_accepted_where_it_is(
    tenants: Tenants, settings: object
) -> None:
    settings.WEBHOOKS_ALLOW_LOOPBACK_HTTP = True  # type: ignore[attr-defined]
    help_text = _url_help(tenants)
    assert "http:// URLs on this machine" in help_text
    assert help_text in client_for(tenants.manager).get(CREATE).content.decode()
    response = client_for(tenants.manager).post(
        CREATE, {"url": "http://127.0.0.1:8123/hooks", "event_types": ["invoice.paid"]}
    )
    assert response.status_code == 201  # what the help promises is accepted


def test_the_url_help_says_https_to_public_addresses_only_where_that_is_the_rule(
    tenants: Tenants, settings: object
) -> None:
    settings.WEBHOOKS_ALLOW_LOOPBACK_HTTP = False  # type: ignore[attr-defined]
    assert _url_help(tenants) == "An https:// URL whose host resolves to public addresses only."
    response = client_for(tenants.manager).post(
        CREATE, {"url": "http://127.0.0.1:8123/hooks", "event_types": ["invoice.paid"]}
    )
    assert "url" in response.context["form"].errors


def test_rotating_shows_the_new_secret_once_and_keeps_the_old_one_signing(
    tenants: Tenants,
) -> None:
    endpoint, old = make_endpoint(tenants.alpha)
    url = reverse("apikeys:webhooks:endpoint_rotate", kwargs={"pk": endpoint.pk})
    response = client_for(tenants.manager).post(url, {"overlap_hours": 24})
    assert response.status_code == 201
    new = response.context["secret"]
    endpoint.refresh_from_db()
    assert endpoint.secret == new
    assert endpoint.previous_secret == old
    assert set(endpoint.signing_secrets(endpoint.created_at)) == {old, new}


def test_send_test_event_queues_a_delivery_and_opens_the_log(
    tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("webhooks.tasks.enqueue", lambda delivery_ids: None)
    endpoint, _ = make_endpoint(tenants.alpha, event_types=["invoice.paid"])
    url = reverse("apikeys:webhooks:endpoint_test", kwargs={"pk": endpoint.pk})
    response = client_for(tenants.manager).post(url)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGS}?endpoint={endpoint.pk}"
    delivery = Delivery.objects.get()
    assert (delivery.event.type, delivery.endpoint) == ("webhook.test", endpoint)


def test_the_bookkeeper_reads_the_logs_but_cannot_resend(tenants: Tenants) -> None:
    make_endpoint(tenants.alpha)
    operations.create_customer(tenants.alpha, name="Harbour Lights")
    Delivery.objects.update(status="failed", next_attempt_at=None)
    delivery = Delivery.objects.get()
    books = client_for(tenants.bookkeeper)
    page = books.get(LOGS).content.decode()
    assert "customer.created" in page
    assert "Resend" not in page
    resend = reverse("apikeys:webhooks:delivery_resend", kwargs={"pk": delivery.pk})
    assert books.post(resend).status_code == 403
    assert "Resend" in client_for(tenants.manager).get(LOGS).content.decode()


def test_logs_filter_by_status_endpoint_and_event(tenants: Tenants) -> None:
    first, _ = make_endpoint(tenants.alpha)
    make_endpoint(tenants.alpha)
    operations.create_customer(tenants.alpha, name="Harbour Lights")
    client = client_for(tenants.manager)
    by_endpoint = client.get(LOGS, {"endpoint": first.pk}).context["deliveries"]
    assert [d.endpoint for d in by_endpoint] == [first]
    assert len(client.get(LOGS, {"event": "customer.created"}).context["deliveries"]) == 2
    assert client.get(LOGS, {"status": "succeeded"}).context["deliveries"] == []


def test_the_log_table_refreshes_itself_while_deliveries_are_pending(tenants: Tenants) -> None:
    make_endpoint(tenants.alpha)
    operations.create_customer(tenants.alpha, name="Harbour Lights")
    client = client_for(tenants.manager)
    partial = client.get(LOGS, HTTP_HX_REQUEST="true")
    assert partial.templates[0].name == "webhooks/_delivery_table.html"
    assert 'hx-trigger="every 2s"' in partial.content.decode()
    assert partial["Vary"] == "HX-Request, Cookie" or "HX-Request" in partial["Vary"]
    Delivery.objects.update(status="succeeded", next_attempt_at=None)
    assert 'hx-trigger="every 2s"' not in client.get(LOGS).content.decode()


def test_another_organisations_endpoint_and_deliveries_are_404(tenants: Tenants) -> None:
    endpoint, _ = make_endpoint(tenants.alpha)
    operations.create_customer(tenants.alpha, name="Harbour Lights")
    delivery = Delivery.objects.get()
    outsider = client_for(tenants.outsider)
    for name, pk in (
        ("apikeys:webhooks:endpoint_edit", endpoint.pk),
        ("apikeys:webhooks:endpoint_test", endpoint.pk),
        ("apikeys:webhooks:delivery_detail", delivery.pk),
        ("apikeys:webhooks:delivery_resend", delivery.pk),
    ):
        url = reverse(name, kwargs={"pk": pk})
        assert outsider.get(url).status_code in {404, 405}
        assert outsider.post(url).status_code in {404, 405}
    assert (
        outsider.get(
            reverse("apikeys:webhooks:delivery_detail", kwargs={"pk": delivery.pk})
        ).status_code
        == 404
    )
    assert outsider.get(LOGS).context["deliveries"] == []


def test_encryption_key_rotation_rewrites_endpoint_secrets(
    tenants: Tenants, settings: object
) -> None:
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    endpoint, secret = make_endpoint(tenants.alpha)
    before = _raw_secret_column(endpoint)
    new_key = Fernet.generate_key().decode()
    settings.PATCHBAY_ENCRYPTION_KEYS = [new_key, *settings.PATCHBAY_ENCRYPTION_KEYS]  # type: ignore[attr-defined]
    call_command("rotate_encryption_keys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.PATCHBAY_ENCRYPTION_KEYS = [new_key]  # type: ignore[attr-defined]
    assert _raw_secret_column(endpoint) != before
    assert Endpoint.objects.get().secret == secret
