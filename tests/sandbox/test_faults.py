"""Injected faults: outages, server errors and slow answers, each ending by itself."""

from __future__ import annotations

import time
from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from sandbox.xero import faults, inspect
from sandbox.xero.models import XeroFault
from sandbox.xero.seed import DEMO_COMPANY_UK
from tests.sandbox import flow


def test_token_outage_answers_503_with_a_gateway_page(app: Client) -> None:
    body = flow.tokens(app)
    faults.start_token_outage()
    response = flow.refresh(app, body["refresh_token"])
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert b"503" in response.content
    # The request never reached the identity service: nothing was rotated or recorded.
    assert inspect.count_refreshes(None) == 0
    faults.clear_faults()
    assert flow.refresh(app, body["refresh_token"]).status_code == 200


def test_outage_ends_by_itself_at_until(app: Client) -> None:
    body = flow.tokens(app)
    faults.start_token_outage(minutes=10)
    with time_machine.travel(timezone.now() + timedelta(minutes=9)):
        assert flow.refresh(app, body["refresh_token"]).status_code == 503
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert flow.refresh(app, body["refresh_token"]).status_code == 200
        assert faults.active_fault(XeroFault.Target.TOKEN) is None


def test_token_server_error_is_500(app: Client) -> None:
    body = flow.tokens(app)
    faults.start_token_errors(minutes=1)
    response = flow.refresh(app, body["refresh_token"])
    assert (response.status_code, response.json()) == (500, {"error": "server_error"})


def test_slow_token_endpoint_delays_then_answers_normally(app: Client) -> None:
    body = flow.tokens(app)
    faults.slow_token_endpoint(seconds=0.3, minutes=5)
    started = time.monotonic()
    response = flow.refresh(app, body["refresh_token"])
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3
    assert inspect.count_refreshes() == 1


def test_slow_delay_is_capped(db: None) -> None:
    fault = faults.slow_token_endpoint(seconds=10_000)
    assert fault.delay_seconds == faults.MAX_DELAY_SECONDS


def test_token_faults_leave_the_api_alone_and_api_faults_the_token_endpoint(
    app: Client,
) -> None:
    body = flow.tokens(app)
    faults.start_token_outage()
    assert flow.api_get(app, flow.CONNECTIONS, body["access_token"]).status_code == 200
    faults.clear_faults()
    faults.start_api_outage(minutes=5)
    assert flow.api_get(app, flow.CONNECTIONS, body["access_token"]).status_code == 503
    assert flow.refresh(app, body["refresh_token"]).status_code == 200


def test_api_server_error_uses_the_problem_shape(app: Client) -> None:
    body = flow.tokens(app)
    faults.start_api_errors()
    response = flow.api_get(app, flow.ORGANISATION, body["access_token"], DEMO_COMPANY_UK)
    assert response.status_code == 500
    assert response.json()["Status"] == 500


def test_slow_api_delays(app: Client) -> None:
    body = flow.tokens(app)
    faults.slow_api(seconds=0.2)
    started = time.monotonic()
    assert flow.api_get(app, flow.CONNECTIONS, body["access_token"]).status_code == 200
    assert time.monotonic() - started >= 0.2


def test_ok_mode_and_clear_both_end_a_fault(db: None) -> None:
    faults.start_token_outage()
    faults.set_fault(XeroFault.Target.TOKEN, XeroFault.Mode.OK)
    assert faults.active_fault(XeroFault.Target.TOKEN) is None
    faults.start_token_outage()
    faults.clear_faults()
    assert not XeroFault.objects.exists()
