"""GET api.xro/2.0/Organisation: the tenant header, scopes, shapes and rate limits."""

from __future__ import annotations

import re
import uuid

from django.test import Client

from sandbox.xero import inspect
from sandbox.xero.controls import disconnect_tenant_for
from sandbox.xero.seed import DEMO_COMPANY_UK, HARBOUR_BUILD, KIWI_GEAR_HIRE, SANDBOX_USER
from tests.sandbox import flow

MS_DATE = re.compile(r"^/Date\(\d+\)/$")


def test_returns_the_organisation_in_xeros_envelope(app: Client) -> None:
    body = flow.tokens(app)
    response = flow.api_get(app, flow.ORGANISATION, body["access_token"], DEMO_COMPANY_UK)
    envelope = response.json()
    assert response.status_code == 200
    uuid.UUID(envelope["Id"])
    assert envelope["Status"] == "OK"
    assert envelope["ProviderName"] == "Patchbay"
    assert MS_DATE.match(envelope["DateTimeUTC"])
    [organisation] = envelope["Organisations"]
    assert organisation["OrganisationID"] == str(DEMO_COMPANY_UK)
    assert organisation["Name"] == "Demo Company (UK)"
    assert organisation["BaseCurrency"] == "GBP" and organisation["CountryCode"] == "GB"
    assert organisation["OrganisationStatus"] == "ACTIVE"
    assert MS_DATE.match(organisation["CreatedDateUTC"])


def test_each_connected_tenant_answers_for_itself(app: Client) -> None:
    body = flow.tokens(app)
    response = flow.api_get(app, flow.ORGANISATION, body["access_token"], HARBOUR_BUILD)
    assert response.json()["Organisations"][0]["Name"] == "Harbour Build Ltd"


def test_tenant_scoped_calls_carry_all_three_limit_headers(app: Client) -> None:
    body = flow.tokens(app)
    response = flow.api_get(app, flow.ORGANISATION, body["access_token"], DEMO_COMPANY_UK)
    assert response["X-DayLimit-Remaining"] == "4999"
    assert response["X-MinLimit-Remaining"] == "59"
    assert response["X-AppMinLimit-Remaining"] == "9999"
    again = flow.api_get(app, flow.ORGANISATION, body["access_token"], DEMO_COMPANY_UK)
    assert again["X-MinLimit-Remaining"] == "58"


def assert_forbidden(response) -> None:
    problem = response.json()
    assert response.status_code == 403
    assert problem["Title"] == "Forbidden" and problem["Status"] == 403
    assert problem["Detail"] == "AuthenticationUnsuccessful"
    assert problem["Type"] is None and problem["Extensions"] == {}
    uuid.UUID(problem["Instance"])


def test_missing_unknown_or_unconnected_tenant_is_403(app: Client) -> None:
    body = flow.tokens(app, tenant_ids=[DEMO_COMPANY_UK])
    token = body["access_token"]
    for tenant in (None, "not-a-uuid", uuid.uuid4(), HARBOUR_BUILD, KIWI_GEAR_HIRE):
        assert_forbidden(flow.api_get(app, flow.ORGANISATION, token, tenant))


def test_tenant_disconnected_inside_xero_gets_403_while_the_token_still_works(
    app: Client,
) -> None:
    body = flow.tokens(app)
    disconnect_tenant_for(SANDBOX_USER, DEMO_COMPANY_UK)
    assert_forbidden(flow.api_get(app, flow.ORGANISATION, body["access_token"], DEMO_COMPANY_UK))
    still = flow.api_get(app, flow.ORGANISATION, body["access_token"], HARBOUR_BUILD)
    assert still.status_code == 200


def test_without_a_settings_scope_is_401_authorization_unsuccessful(app: Client) -> None:
    body = flow.tokens(app, scope="openid offline_access accounting.transactions")
    response = flow.api_get(app, flow.ORGANISATION, body["access_token"], DEMO_COMPANY_UK)
    problem = response.json()
    assert response.status_code == 401
    assert problem["Title"] == "Unauthorized"
    assert problem["Detail"] == "AuthorizationUnsuccessful"


def test_the_read_only_settings_scope_is_enough(app: Client) -> None:
    body = flow.tokens(app, scope="offline_access accounting.settings.read")
    response = flow.api_get(app, flow.ORGANISATION, body["access_token"], DEMO_COMPANY_UK)
    assert response.status_code == 200


def test_without_a_token_is_401(app: Client) -> None:
    response = app.get(flow.ORGANISATION, headers={"xero-tenant-id": str(DEMO_COMPANY_UK)})
    assert response.status_code == 401
    assert response.json()["Detail"] == "AuthenticationUnsuccessful"


def test_minute_limit_answers_429_with_retry_after_and_problem(app: Client, settings) -> None:
    settings.SANDBOX_XERO_MINUTE_LIMIT = 3
    body = flow.tokens(app)
    for _ in range(3):
        ok = flow.api_get(app, flow.ORGANISATION, body["access_token"], DEMO_COMPANY_UK)
        assert ok.status_code == 200
    assert ok["X-MinLimit-Remaining"] == "0"
    limited = flow.api_get(app, flow.ORGANISATION, body["access_token"], DEMO_COMPANY_UK)
    assert limited.status_code == 429
    assert limited["X-Rate-Limit-Problem"] == "minute"
    assert 1 <= int(limited["Retry-After"]) <= 60
    other = flow.api_get(app, flow.ORGANISATION, body["access_token"], HARBOUR_BUILD)
    assert other.status_code == 200


def test_api_calls_are_counted_per_access_token(app: Client) -> None:
    first = flow.tokens(app)
    second = flow.refresh(app, first["refresh_token"]).json()
    for _ in range(3):
        flow.api_get(app, flow.ORGANISATION, first["access_token"], DEMO_COMPANY_UK)
    flow.api_get(app, flow.CONNECTIONS, second["access_token"])
    flow.api_get(app, flow.CONNECTIONS, "forged")
    assert inspect.api_call_count(first["access_token"]) == 3
    assert inspect.api_call_count(second["access_token"]) == 1
    assert inspect.api_call_count(status=401) == 1
    assert inspect.calls_per_token() == {
        inspect.token_hash(first["access_token"]): 3,
        inspect.token_hash(second["access_token"]): 1,
    }
    tenants = {call.tenant_id for call in inspect.api_calls(first["access_token"])}
    assert tenants == {str(DEMO_COMPANY_UK)}
