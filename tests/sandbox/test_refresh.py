"""Refresh-token rotation, the grace period, lapsing, and the presentation record."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone

from sandbox.xero import inspect
from sandbox.xero.models import XeroToken
from sandbox.xero.seed import ensure_demo_world
from tests.sandbox import flow

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

INVALID_GRANT = (400, {"error": "invalid_grant"})


def answer(response: Response) -> tuple[int, dict[str, str]]:
    return response.status_code, response.json()


def test_every_refresh_returns_a_new_refresh_and_access_token(app: Client) -> None:
    first = flow.tokens(app)
    second = flow.refresh(app, first["refresh_token"])
    body = second.json()
    assert second.status_code == 200
    assert second["Cache-Control"] == "no-store"
    assert body["refresh_token"] != first["refresh_token"]
    assert body["access_token"] != first["access_token"]
    assert body["expires_in"] == 1800 and body["token_type"] == "Bearer"
    assert body["scope"] == first["scope"]
    assert "id_token" in body
    third = flow.refresh(app, body["refresh_token"])
    assert third.status_code == 200
    assert inspect.count_refreshes() == 2


def test_refreshed_access_token_keeps_the_auth_event_and_works(app: Client) -> None:
    first = flow.tokens(app)
    body = flow.refresh(app, first["refresh_token"]).json()
    before = inspect.access_token_claims(first["access_token"])
    after = inspect.access_token_claims(body["access_token"])
    assert after["authentication_event_id"] == before["authentication_event_id"]
    assert flow.api_get(app, flow.CONNECTIONS, body["access_token"]).status_code == 200


def test_previous_refresh_token_works_within_the_grace_period(app: Client) -> None:
    first = flow.tokens(app)
    rotated = flow.refresh(app, first["refresh_token"]).json()
    with time_machine.travel(timezone.now() + timedelta(minutes=29)):
        replay = flow.refresh(app, first["refresh_token"])
    assert replay.status_code == 200
    replayed = replay.json()
    assert replayed["refresh_token"] not in {first["refresh_token"], rotated["refresh_token"]}
    # Both successors stay usable: whoever received the first rotation keeps working.
    assert flow.refresh(app, rotated["refresh_token"]).status_code == 200
    assert flow.refresh(app, replayed["refresh_token"]).status_code == 200
    outcomes = [item.outcome for item in inspect.refresh_presentations(first["refresh_token"])]
    assert outcomes == ["rotated", "grace"]


def test_previous_refresh_token_is_invalid_grant_after_the_grace_period(app: Client) -> None:
    first = flow.tokens(app)
    flow.refresh(app, first["refresh_token"])
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert answer(flow.refresh(app, first["refresh_token"])) == INVALID_GRANT
    assert [p.outcome for p in inspect.superseded_presentations()] == ["invalid_grant"]


def test_grace_period_runs_from_the_first_rotation(app: Client, settings) -> None:
    settings.SANDBOX_XERO_REFRESH_GRACE_SECONDS = 60
    first = flow.tokens(app)
    flow.refresh(app, first["refresh_token"])
    start = timezone.now()
    with time_machine.travel(start + timedelta(seconds=50)):
        assert flow.refresh(app, first["refresh_token"]).status_code == 200
    with time_machine.travel(start + timedelta(seconds=70)):
        assert answer(flow.refresh(app, first["refresh_token"])) == INVALID_GRANT


def test_zero_grace_makes_any_reuse_invalid_grant(app: Client, settings) -> None:
    settings.SANDBOX_XERO_REFRESH_GRACE_SECONDS = 0
    first = flow.tokens(app)
    flow.refresh(app, first["refresh_token"])
    assert answer(flow.refresh(app, first["refresh_token"])) == INVALID_GRANT


def test_refresh_token_unused_for_sixty_days_lapses(app: Client) -> None:
    body = flow.tokens(app)
    with time_machine.travel(timezone.now() + timedelta(days=59, hours=23)):
        kept_alive = flow.refresh(app, body["refresh_token"]).json()
    with time_machine.travel(timezone.now() + timedelta(days=59 + 61)):
        assert answer(flow.refresh(app, kept_alive["refresh_token"])) == INVALID_GRANT
    assert XeroToken.objects.filter(kind="refresh", rotated_at__isnull=True).count() == 1


def test_refresh_token_lifetime_comes_from_settings(app: Client, settings) -> None:
    settings.SANDBOX_XERO_REFRESH_TOKEN_SECONDS = 120
    body = flow.tokens(app)
    with time_machine.travel(timezone.now() + timedelta(seconds=121)):
        assert answer(flow.refresh(app, body["refresh_token"])) == INVALID_GRANT


def test_unknown_or_access_token_presented_as_refresh_is_invalid_grant(app: Client) -> None:
    body = flow.tokens(app)
    assert answer(flow.refresh(app, "f" * 64)) == INVALID_GRANT
    assert answer(flow.refresh(app, body["access_token"])) == INVALID_GRANT
    assert answer(flow.post_token(app, {"grant_type": "refresh_token"})) == (
        400,
        {"error": "invalid_request"},
    )


def test_refresh_by_another_client_is_invalid_grant(app: Client, settings) -> None:
    body = flow.tokens(app)
    settings.XERO_CLIENT_ID = "a-new-app"
    assert answer(flow.refresh(app, body["refresh_token"])) == INVALID_GRANT


def test_every_presentation_is_recorded_with_hash_and_outcome(app: Client) -> None:
    body = flow.tokens(app)
    flow.refresh(app, body["refresh_token"])
    flow.refresh(app, "f" * 64)
    records = inspect.refresh_presentations()
    assert [r.outcome for r in records] == ["rotated", "invalid_grant"]
    assert records[0].token_hash == inspect.token_hash(body["refresh_token"])
    assert records[0].last4 == body["refresh_token"][-4:]
    assert inspect.count_refreshes(None) == 2
    assert inspect.count_refreshes("invalid_grant") == 1


def test_a_careful_client_leaves_no_superseded_presentation(app: Client) -> None:
    token = flow.tokens(app)["refresh_token"]
    for _ in range(5):
        token = flow.refresh(app, token).json()["refresh_token"]
    assert inspect.count_refreshes() == 5
    assert inspect.superseded_presentations() == []


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_refreshes_of_one_token_show_up_as_rotated_and_grace() -> None:
    ensure_demo_world()
    body = flow.tokens(Client())
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def refresh_once() -> None:
        barrier.wait()
        statuses.append(flow.refresh(Client(), body["refresh_token"]).status_code)
        connection.close()

    threads = [threading.Thread(target=refresh_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200]
    outcomes = sorted(p.outcome for p in inspect.refresh_presentations(body["refresh_token"]))
    assert outcomes == ["grace", "rotated"]
    assert len(inspect.superseded_presentations()) == 1
