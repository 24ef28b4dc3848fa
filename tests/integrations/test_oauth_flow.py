"""The connect flow against Xero's wire protocol, mocked with responses."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import responses
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone

from integrations.models import Connection, ConnectionEvent, OAuthGrant, OAuthState
from tenancy.models import Membership
from tenancy.roles import Role
from tests.conftest import Tenants, client_for
from tests.integrations.helpers import fake_jwt

CONNECT = "/settings/integrations/xero/connect/"
CALLBACK = "/settings/integrations/xero/callback/"
TENANTS = [
    {
        "id": "c-1",
        "tenantId": "t-1",
        "tenantName": "Demo Company (UK)",
        "tenantType": "ORGANISATION",
    },
    {
        "id": "c-2",
        "tenantId": "t-2",
        "tenantName": "Harbour Build Ltd",
        "tenantType": "ORGANISATION",
    },
]


def start(client: Client) -> dict[str, list[str]]:
    response = client.post(CONNECT)
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert response["Location"].startswith(settings.XERO_AUTHORIZE_URL)
    return parse_qs(location.query)


def token_body() -> dict[str, object]:
    access = fake_jwt(xero_userid="xu-1", authentication_event_id="ev-1")
    return {
        "access_token": access,
        "refresh_token": "r-1",
        "expires_in": 1800,
        "token_type": "Bearer",
    }


def mock_xero(tenants: list[dict[str, str]], token_status: int = 200) -> None:
    body = token_body() if token_status == 200 else {"error": "invalid_grant"}
    responses.add(responses.POST, settings.XERO_TOKEN_URL, json=body, status=token_status)
    responses.add(responses.GET, settings.XERO_CONNECTIONS_URL, json=tenants)


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@responses.activate
def test_connect_sends_pkce_and_state_then_connects_the_single_organisation(
    tenants: Tenants,
) -> None:
    client = client_for(tenants.manager)
    query = start(client)
    assert query["code_challenge_method"] == ["S256"]
    assert "offline_access" in query["scope"][0].split()
    mock_xero(TENANTS[:1])

    response = client.get(CALLBACK, {"code": "abc", "state": query["state"][0]})

    assert response.status_code == 302
    assert (
        response["Location"] == "/settings/integrations/?xero=connected&org=Demo+Company+%28UK%29"
    )
    connection = Connection.objects.get(organisation=tenants.alpha)
    assert (connection.remote_id, connection.state) == ("t-1", Connection.State.CONNECTED)
    assert connection.grant is not None and connection.grant.refresh_token == "r-1"
    token_request = responses.calls[0].request
    assert "code_verifier=" in str(token_request.body)
    assert token_request.headers["Authorization"].startswith("Basic ")
    assert str(responses.calls[1].request.url).endswith("authEventId=ev-1")
    page = client.get("/settings/integrations/").content.decode()
    assert "Demo Company (UK)" in page and ">Connected<" in page


@responses.activate
def test_a_consent_covering_two_organisations_asks_which(tenants: Tenants) -> None:
    client = client_for(tenants.owner)
    query = start(client)
    mock_xero(TENANTS)
    response = client.get(CALLBACK, {"code": "abc", "state": query["state"][0]})
    assert response["Location"] == "/settings/integrations/xero/choose/"
    assert not Connection.objects.exists()
    page = client.get("/settings/integrations/xero/choose/").content.decode()
    assert "Harbour Build Ltd" in page
    bad = client.post("/settings/integrations/xero/choose/", {"remote_id": "not-offered"})
    assert bad.status_code == 400
    chosen = client.post("/settings/integrations/xero/choose/", {"remote_id": "t-2"})
    assert chosen["Location"].endswith("org=Harbour+Build+Ltd")
    assert Connection.objects.get().remote_id == "t-2"
    again = client.post("/settings/integrations/xero/choose/", {"remote_id": "t-1"})
    assert again.status_code == 302 and Connection.objects.count() == 1


@responses.activate
def test_replayed_state_is_refused_and_changes_nothing(tenants: Tenants) -> None:
    client = client_for(tenants.owner)
    state = start(client)["state"][0]
    mock_xero(TENANTS[:1])
    client.get(CALLBACK, {"code": "abc", "state": state})
    replay = client.get(CALLBACK, {"code": "abc", "state": state})
    assert "expired or was already used" in " ".join(messages_of(replay))
    assert Connection.objects.count() == 1
    assert len(responses.calls) == 2  # the replay never reached Xero


@responses.activate
@pytest.mark.parametrize(
    "tamper",
    ["forged", "expired", "other_user", "other_organisation", "other_session"],
)
def test_states_that_are_not_this_attempts_are_refused(tenants: Tenants, tamper: str) -> None:
    client = client_for(tenants.owner)
    state = start(client)["state"][0]
    row = OAuthState.objects.get()
    if tamper == "forged":
        state = "made-up-state"
    elif tamper == "expired":
        row.expires_at = timezone.now() - timedelta(seconds=1)
        row.save()
    elif tamper == "other_user":
        client = client_for(tenants.manager)
    elif tamper == "other_organisation":
        Membership.objects.create(user=tenants.owner, organisation=tenants.bravo, role=Role.OWNER)
        client.post("/settings/organisation/switch/", {"organisation": tenants.bravo.pk})
    elif tamper == "other_session":
        client = client_for(tenants.owner)
    mock_xero(TENANTS[:1])
    response = client.get(CALLBACK, {"code": "abc", "state": state})
    assert response.status_code == 302
    assert "Start again" in " ".join(messages_of(response))
    assert not Connection.objects.exists() and not OAuthGrant.objects.exists()
    assert len(responses.calls) == 0


@responses.activate
def test_cancelling_at_xero_says_so_and_connects_nothing(tenants: Tenants) -> None:
    client = client_for(tenants.owner)
    state = start(client)["state"][0]
    response = client.get(CALLBACK, {"error": "access_denied", "state": state})
    assert "You cancelled at Xero" in " ".join(messages_of(response))
    assert not Connection.objects.exists()


@responses.activate
def test_a_failed_code_exchange_leaves_no_half_made_connection(tenants: Tenants) -> None:
    client = client_for(tenants.owner)
    state = start(client)["state"][0]
    mock_xero(TENANTS[:1], token_status=400)
    response = client.get(CALLBACK, {"code": "stale", "state": state})
    assert "Nothing was saved" in " ".join(messages_of(response))
    assert not Connection.objects.exists() and not OAuthGrant.objects.exists()


@responses.activate
def test_an_outage_during_the_exchange_is_reported_as_such(tenants: Tenants) -> None:
    client = client_for(tenants.owner)
    state = start(client)["state"][0]
    responses.add(
        responses.POST, settings.XERO_TOKEN_URL, body="<html>Bad gateway</html>", status=502
    )
    response = client.get(CALLBACK, {"code": "abc", "state": state})
    assert "token endpoint answered 502" in " ".join(messages_of(response))
    assert not OAuthGrant.objects.exists()


def test_bookkeeper_cannot_start_or_finish_a_connection(tenants: Tenants) -> None:
    client = client_for(tenants.bookkeeper)
    assert client.post(CONNECT).status_code == 403
    assert client.get(CALLBACK, {"code": "x", "state": "y"}).status_code == 403
    assert not OAuthState.objects.exists()


def test_connect_is_post_only(tenants: Tenants) -> None:
    assert client_for(tenants.owner).get(CONNECT).status_code == 405


@responses.activate
def test_reconnecting_the_same_organisation_keeps_the_connection_record(tenants: Tenants) -> None:
    client = client_for(tenants.owner)
    for _ in range(2):
        mock_xero(TENANTS[:1])
        client.get(CALLBACK, {"code": "abc", "state": start(client)["state"][0]})
        connection = Connection.objects.get()
        if connection.state == Connection.State.CONNECTED and _ == 0:
            connection.state = Connection.State.DISCONNECTED
            connection.save()
    kinds = list(ConnectionEvent.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == ["connected", "reconnected"]
    assert Connection.objects.count() == 1


@responses.activate
def test_reconnecting_to_a_different_organisation_is_refused_while_one_is_linked(
    tenants: Tenants,
) -> None:
    client = client_for(tenants.owner)
    mock_xero(TENANTS[:1])
    client.get(CALLBACK, {"code": "abc", "state": start(client)["state"][0]})
    responses.reset()
    mock_xero(TENANTS[1:])
    response = client.get(CALLBACK, {"code": "abc", "state": start(client)["state"][0]})
    assert "already syncs with Demo Company (UK)" in " ".join(messages_of(response))
    assert list(Connection.objects.values_list("remote_id", flat=True)) == ["t-1"]
