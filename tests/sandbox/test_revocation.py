"""The revocation endpoint (RFC 7009) as Xero runs it: revoking the refresh token
ends the whole grant and removes every connection of that user and app."""

from __future__ import annotations

from django.test import Client

from sandbox.xero.models import XeroConnection, XeroGrant
from sandbox.xero.seed import DEMO_COMPANY_UK
from tests.sandbox import flow


def revoke(client: Client, token: str, authorization: str | None = None, **form: str):
    data = {"token": token, **form}
    headers = {"Authorization": authorization or flow.basic()}
    return client.post(flow.REVOCATION, data, headers=headers)


def test_revoking_the_refresh_token_removes_connections_and_every_token(app: Client) -> None:
    body = flow.tokens(app)
    response = revoke(app, body["refresh_token"], token_type_hint="refresh_token")
    assert response.status_code == 200
    assert not XeroConnection.objects.exists()
    assert XeroGrant.objects.get().revoked_at is not None
    assert flow.refresh(app, body["refresh_token"]).json() == {"error": "invalid_grant"}
    assert flow.api_get(app, flow.CONNECTIONS, body["access_token"]).status_code == 401


def test_revocation_covers_tokens_from_earlier_consents_of_the_same_user(app: Client) -> None:
    older = flow.tokens(app)
    newer = flow.tokens(app)
    revoke(app, newer["refresh_token"])
    assert flow.refresh(app, older["refresh_token"]).json() == {"error": "invalid_grant"}


def test_unknown_token_still_gets_200(app: Client) -> None:
    assert revoke(app, "not-a-token").status_code == 200


def test_bad_client_gets_401_invalid_client(app: Client) -> None:
    body = flow.tokens(app)
    response = revoke(app, body["refresh_token"], authorization=flow.basic(secret="wrong"))
    assert (response.status_code, response.json()) == (401, {"error": "invalid_client"})
    assert XeroConnection.objects.exists()


def test_missing_token_is_invalid_request(app: Client) -> None:
    response = app.post(flow.REVOCATION, {}, headers={"Authorization": flow.basic()})
    assert (response.status_code, response.json()) == (400, {"error": "invalid_request"})


def test_revoking_an_access_token_revokes_only_that_token(app: Client) -> None:
    body = flow.tokens(app)
    assert revoke(app, body["access_token"]).status_code == 200
    assert flow.api_get(app, flow.CONNECTIONS, body["access_token"]).status_code == 401
    assert XeroConnection.objects.count() == 2
    assert flow.refresh(app, body["refresh_token"]).status_code == 200


def test_consenting_again_after_revocation_works(app: Client) -> None:
    body = flow.tokens(app)
    revoke(app, body["refresh_token"])
    again = flow.tokens(app, tenant_ids=[DEMO_COMPANY_UK])
    listed = flow.api_get(app, flow.CONNECTIONS, again["access_token"]).json()
    assert [item["tenantId"] for item in listed] == [str(DEMO_COMPANY_UK)]
    assert XeroGrant.objects.get().revoked_at is None
    assert flow.refresh(app, body["refresh_token"]).json() == {"error": "invalid_grant"}
