"""GET and DELETE /connections, and how API calls reject bad access tokens."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from sandbox.xero import inspect
from sandbox.xero.seed import DEMO_COMPANY_UK, HARBOUR_BUILD, KIWI_GEAR_HIRE, OTHER_USER
from tests.sandbox import flow


def connection_url(connection_id: object) -> str:
    return f"{flow.CONNECTIONS}/{connection_id}"


def test_lists_the_users_connections_in_xeros_shape(app: Client) -> None:
    body = flow.tokens(app)
    response = flow.api_get(app, flow.CONNECTIONS, body["access_token"])
    items = response.json()
    assert response.status_code == 200
    assert {item["tenantName"] for item in items} == {"Demo Company (UK)", "Harbour Build Ltd"}
    assert {item["tenantId"] for item in items} == {str(DEMO_COMPANY_UK), str(HARBOUR_BUILD)}
    event = inspect.access_token_claims(body["access_token"])["authentication_event_id"]
    for item in items:
        assert set(item) == {
            "id",
            "authEventId",
            "tenantId",
            "tenantType",
            "tenantName",
            "createdDateUtc",
            "updatedDateUtc",
        }
        assert item["tenantType"] == "ORGANISATION"
        assert item["authEventId"] == event


def test_carries_the_app_minute_limit_header(app: Client) -> None:
    body = flow.tokens(app)
    response = flow.api_get(app, flow.CONNECTIONS, body["access_token"])
    assert response["X-AppMinLimit-Remaining"] == "9999"
    assert "X-MinLimit-Remaining" not in response


def test_auth_event_filter_returns_only_that_consents_connections(app: Client) -> None:
    first = flow.tokens(app, tenant_ids=[DEMO_COMPANY_UK])
    second = flow.tokens(app, tenant_ids=[HARBOUR_BUILD])
    first_event = inspect.access_token_claims(first["access_token"])["authentication_event_id"]
    second_event = inspect.access_token_claims(second["access_token"])["authentication_event_id"]
    url = f"{flow.CONNECTIONS}?authEventId={second_event}"
    items = flow.api_get(app, url, second["access_token"]).json()
    assert [item["tenantId"] for item in items] == [str(HARBOUR_BUILD)]
    url = f"{flow.CONNECTIONS}?authEventId={first_event}"
    assert len(flow.api_get(app, url, second["access_token"]).json()) == 1
    everything = flow.api_get(app, flow.CONNECTIONS, first["access_token"]).json()
    assert len(everything) == 2


def test_auth_event_filter_with_no_match_or_bad_uuid(app: Client) -> None:
    body = flow.tokens(app)
    url = f"{flow.CONNECTIONS}?authEventId={uuid.uuid4()}"
    assert flow.api_get(app, url, body["access_token"]).json() == []
    bad = flow.api_get(app, f"{flow.CONNECTIONS}?authEventId=nope", body["access_token"])
    assert bad.status_code == 400


def test_other_users_connections_are_not_listed(app: Client) -> None:
    flow.tokens(app)
    other = flow.tokens(app, email=OTHER_USER, tenant_ids=[KIWI_GEAR_HIRE])
    items = flow.api_get(app, flow.CONNECTIONS, other["access_token"]).json()
    assert [item["tenantName"] for item in items] == ["Kiwi Gear Hire"]


def test_delete_removes_the_connection_then_404(app: Client) -> None:
    body = flow.tokens(app)
    items = flow.api_get(app, flow.CONNECTIONS, body["access_token"]).json()
    target = items[0]["id"]
    headers = flow.bearer(body["access_token"])
    assert app.delete(connection_url(target), headers=headers).status_code == 204
    assert app.delete(connection_url(target), headers=headers).status_code == 404
    remaining = flow.api_get(app, flow.CONNECTIONS, body["access_token"]).json()
    assert [item["id"] for item in remaining] == [items[1]["id"]]


def test_delete_of_unknown_or_foreign_connection_is_404(app: Client) -> None:
    mine = flow.tokens(app)
    other = flow.tokens(app, email=OTHER_USER, tenant_ids=[KIWI_GEAR_HIRE])
    foreign = flow.api_get(app, flow.CONNECTIONS, other["access_token"]).json()[0]["id"]
    headers = flow.bearer(mine["access_token"])
    assert app.delete(connection_url(foreign), headers=headers).status_code == 404
    assert app.delete(connection_url(uuid.uuid4()), headers=headers).status_code == 404
    assert app.delete(connection_url("not-a-uuid"), headers=headers).status_code == 404


def test_delete_takes_the_connection_id_not_the_tenant_id(app: Client) -> None:
    body = flow.tokens(app)
    headers = flow.bearer(body["access_token"])
    assert app.delete(connection_url(DEMO_COMPANY_UK), headers=headers).status_code == 404


def test_delete_needs_a_valid_token(app: Client) -> None:
    body = flow.tokens(app)
    target = flow.api_get(app, flow.CONNECTIONS, body["access_token"]).json()[0]["id"]
    assert app.delete(connection_url(target)).status_code == 401


def test_missing_or_forged_token_is_401_authentication_unsuccessful(app: Client) -> None:
    body = flow.tokens(app)
    forged = body["access_token"][:-4] + "AAAA"
    for headers in ({}, {"Authorization": "Bearer nonsense"}, flow.bearer(forged)):
        response = app.get(flow.CONNECTIONS, headers=headers)
        problem = response.json()
        assert response.status_code == 401
        assert problem["Title"] == "Unauthorized" and problem["Status"] == 401
        assert problem["Detail"] == "AuthenticationUnsuccessful"
        assert problem["Type"] is None and problem["Extensions"] == {}
        uuid.UUID(problem["Instance"])


def test_expired_token_is_401_token_expired_with_the_time(app: Client) -> None:
    body = flow.tokens(app)
    exp = inspect.access_token_claims(body["access_token"])["exp"]
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = flow.api_get(app, flow.CONNECTIONS, body["access_token"])
    problem = response.json()
    expected = datetime.fromtimestamp(exp, UTC)
    assert response.status_code == 401
    assert problem["Detail"] == f"TokenExpired: token expired at {expected:%m/%d/%Y %H:%M:%S}"
    assert set(problem) == {"Type", "Title", "Status", "Detail", "Instance", "Extensions"}


def test_access_token_still_works_at_29_minutes(app: Client) -> None:
    body = flow.tokens(app)
    with time_machine.travel(timezone.now() + timedelta(minutes=29)):
        assert flow.api_get(app, flow.CONNECTIONS, body["access_token"]).status_code == 200


def test_access_token_from_another_sandbox_key_is_rejected(app: Client, settings) -> None:
    body = flow.tokens(app)
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert flow.api_get(app, flow.CONNECTIONS, body["access_token"]).status_code == 401


def test_connections_answer_only_get_and_delete(app: Client) -> None:
    assert app.post(flow.CONNECTIONS).status_code == 405
    assert app.get(connection_url(uuid.uuid4())).status_code == 405
