from __future__ import annotations

import pytest
from django.db.utils import OperationalError
from django.test import Client

from config import health
from config.celery import app as celery_app


def test_healthz_is_200_when_database_and_broker_are_up(db: None) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up", "broker": "up"}


def test_healthz_is_503_when_the_broker_is_unreachable(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Port 1 on loopback refuses at once: a broker that is down.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(health, "BROKER_TIMEOUT_SECONDS", 1)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "up", "broker": "down"}


def test_healthz_is_503_when_the_database_is_unreachable(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse() -> None:
        raise OperationalError("connection refused")

    with monkeypatch.context() as patched:  # undone before the test database is torn down
        patched.setattr(health.db_connection, "cursor", refuse)
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_healthz_answers_only_get(db: None) -> None:
    assert Client().post("/healthz").status_code == 405
