"""Who may call the API: a live key of the right organisation, with the right scope."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apikeys import services, tokens
from apikeys.models import ApiKeyEvent
from apikeys.scopes import Preset, preset
from tests import factories
from tests.api.helpers import api, make_key
from tests.conftest import Tenants

INVOICES = "/api/v1/invoices/"
PROBLEM = "application/problem+json"


def test_no_key_is_a_401_problem_asking_for_one(tenants: Tenants) -> None:
    response = api().get(INVOICES)
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["type"].endswith("#problem-missing-api-key")


def test_a_mistyped_or_unknown_key_is_a_401_without_saying_which(tenants: Tenants) -> None:
    _, secret = make_key(tenants.alpha)
    typo = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    unknown = tokens.generate()  # well formed, checksum and all, but nobody's key
    for presented in (typo, unknown, "not-a-key", "pbk_" + "x" * 300):
        response = api(presented).get(INVOICES)
        assert response.status_code == 401
        assert response.json()["type"].endswith("#problem-invalid-api-key")
    assert api(secret).get(INVOICES).status_code == 200


def test_a_malformed_key_costs_no_query(tenants: Tenants) -> None:
    with CaptureQueriesContext(connection) as queries:
        api("pbk_" + "1" * 36).get(INVOICES)
    assert len(queries) == 0


def test_a_revoked_key_is_refused_from_the_next_call_and_the_refusal_audited(
    tenants: Tenants,
) -> None:
    key, secret = make_key(tenants.alpha)
    client = api(secret)
    assert client.get(INVOICES).status_code == 200
    services.revoke_key(key, actor=tenants.manager)
    response = client.get(INVOICES)
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    assert ApiKeyEvent.objects.filter(key=key, kind="refused", detail="revoked key used").exists()


def test_an_expired_key_is_refused_from_the_moment_it_expires(tenants: Tenants) -> None:
    expires = timezone.now() + timedelta(hours=2)
    key, secret = make_key(tenants.alpha, expires_at=expires)
    with time_machine.travel(expires - timedelta(seconds=1), tick=False):
        assert api(secret).get(INVOICES).status_code == 200
    with time_machine.travel(expires, tick=False):
        response = api(secret).get(INVOICES)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    key.refresh_from_db()
    assert key.revoked_at is None  # refused before the periodic task has even run


def test_a_missing_scope_is_a_403_naming_it(tenants: Tenants) -> None:
    _, secret = make_key(tenants.alpha, scopes={"customers": "read"})
    client = api(secret)
    assert client.get("/api/v1/customers/").status_code == 200
    denied = client.get(INVOICES)
    assert denied.status_code == 403
    assert denied.json()["required_scope"] == "invoices:read"
    write = client.post("/api/v1/customers/", {"name": "New"}, format="json")
    assert write.status_code == 403
    assert write.json()["required_scope"] == "customers:write"


def test_a_read_only_key_reads_everything_and_writes_nothing(tenants: Tenants) -> None:
    _, secret = make_key(tenants.alpha, scopes=preset(Preset.READ_ONLY))
    client = api(secret)
    for path in ("customers", "equipment", "projects", "quotes", "invoices", "payments"):
        assert client.get(f"/api/v1/{path}/").status_code == 200
    assert client.get("/api/v1/webhook-endpoints/").status_code == 200
    assert client.post("/api/v1/customers/", {"name": "X"}, format="json").status_code == 403


def test_another_organisations_records_are_invisible(tenants: Tenants) -> None:
    theirs = factories.make_issued_invoice(tenants.bravo)
    ours = factories.make_issued_invoice(tenants.alpha)
    _, secret = make_key(tenants.alpha)
    client = api(secret)
    listed = [row["id"] for row in client.get(INVOICES).json()["results"]]
    assert listed == [ours.pk]
    assert client.get(f"{INVOICES}{theirs.pk}/").status_code == 404


def test_last_used_is_written_once_not_on_every_call(tenants: Tenants) -> None:
    factories.make_customer(tenants.alpha)
    key, secret = make_key(tenants.alpha)
    client = api(secret)
    with CaptureQueriesContext(connection) as first:
        client.get("/api/v1/customers/")
    key.refresh_from_db()
    assert key.last_used_at is not None
    with CaptureQueriesContext(connection) as later:
        client.get("/api/v1/customers/")
    updates = [q["sql"] for q in later.captured_queries if q["sql"].startswith("UPDATE")]
    assert updates == []
    assert len(later) == len(first) - 1
    # key lookup + count + page: the whole cost of authentication is one indexed query
    assert len(later) == 3
