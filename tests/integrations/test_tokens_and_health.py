"""Refresh, health states and disconnect, against Xero's wire protocol (responses)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import responses
from django.conf import settings
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounting.providers.xero import client as xero
from integrations import tokens
from integrations.errors import GrantInvalid, ProviderUnavailable
from integrations.models import Connection, ConnectionEvent, OAuthGrant
from integrations.tasks import keep_grants_alive, recover_degraded
from tests.conftest import Tenants, client_for
from tests.integrations.helpers import (
    disconnect_through_page,
    fake_jwt,
    make_connection,
    make_grant,
)

ORGANISATION = f"{settings.XERO_API_BASE}/Organisation"
ORG_BODY = {"Organisations": [{"OrganisationID": "tenant-1", "Name": "Demo Company (UK)"}]}


def refreshed_token(n: int = 2) -> dict[str, object]:
    return {
        "access_token": fake_jwt(sub="xero-user-1", n=n),
        "refresh_token": f"refresh-token-{n}",
        "expires_in": 1800,
        "token_type": "Bearer",
    }


def kinds(connection: Connection) -> list[str]:
    return list(connection.events.order_by("pk").values_list("kind", flat=True))


@responses.activate
def test_a_fresh_token_is_used_without_refreshing(tenants: Tenants) -> None:
    connection = make_connection(tenants.alpha)
    responses.add(responses.GET, ORGANISATION, json=ORG_BODY)
    assert xero.organisation(connection)["Name"] == "Demo Company (UK)"
    assert [c.request.url for c in responses.calls] == [ORGANISATION]
    assert responses.calls[0].request.headers["xero-tenant-id"] == "tenant-1"


@responses.activate
def test_a_token_inside_the_margin_is_refreshed_and_the_rotation_saved_first(
    tenants: Tenants,
) -> None:
    grant = make_grant(tenants.alpha, expires_in=timedelta(minutes=4))
    connection = make_connection(tenants.alpha, grant)
    responses.add(responses.POST, settings.XERO_TOKEN_URL, json=refreshed_token())
    responses.add(responses.GET, ORGANISATION, json=ORG_BODY)
    xero.organisation(connection)
    grant.refresh_from_db()
    assert (grant.refresh_token, grant.version) == ("refresh-token-2", 1)
    assert "refresh_token=refresh-token-one" in str(responses.calls[0].request.body)
    assert responses.calls[1].request.headers["Authorization"] == f"Bearer {grant.access_token}"
    assert kinds(connection) == ["refreshed"]


@responses.activate
def test_a_401_refreshes_once_and_retries(tenants: Tenants) -> None:
    connection = make_connection(tenants.alpha)
    responses.add(responses.GET, ORGANISATION, status=401, json={"Detail": "TokenExpired"})
    responses.add(responses.POST, settings.XERO_TOKEN_URL, json=refreshed_token())
    responses.add(responses.GET, ORGANISATION, json=ORG_BODY)
    xero.organisation(connection)
    assert len(responses.calls) == 3
    assert OAuthGrant.objects.get().version == 1


@responses.activate
def test_invalid_grant_turns_the_connection_red_with_reconnect(tenants: Tenants) -> None:
    grant = make_grant(tenants.alpha, expires_in=timedelta(seconds=-1))
    connection = make_connection(tenants.alpha, grant)
    responses.add(
        responses.POST, settings.XERO_TOKEN_URL, status=400, json={"error": "invalid_grant"}
    )
    with pytest.raises(GrantInvalid):
        xero.organisation(connection)
    connection.refresh_from_db()
    assert connection.state == Connection.State.ERROR
    assert OAuthGrant.objects.get().status == OAuthGrant.Status.INVALID
    page = client_for(tenants.owner).get("/settings/integrations/").content.decode()
    assert ">Error<" in page and ">Reconnect<" in page and "invalid_grant" in page
    with pytest.raises(GrantInvalid):  # no second trip to Xero with a dead grant
        xero.organisation(connection)
    assert len(responses.calls) == 1


@responses.activate
def test_a_token_endpoint_outage_degrades_and_the_retry_task_recovers(tenants: Tenants) -> None:
    grant = make_grant(tenants.alpha, expires_in=timedelta(seconds=-1))
    connection = make_connection(tenants.alpha, grant)
    responses.add(responses.POST, settings.XERO_TOKEN_URL, status=503, body="Service Unavailable")
    with pytest.raises(ProviderUnavailable):
        xero.organisation(connection)
    connection.refresh_from_db()
    assert connection.state == Connection.State.DEGRADED
    assert connection.retry_at is not None
    assert recover_degraded() == 0  # the back-off has not passed yet

    Connection.objects.filter(pk=connection.pk).update(retry_at=timezone.now())
    responses.replace(responses.POST, settings.XERO_TOKEN_URL, json=refreshed_token())
    responses.add(responses.GET, ORGANISATION, json=ORG_BODY)
    assert recover_degraded() == 1
    connection.refresh_from_db()
    assert connection.state == Connection.State.CONNECTED
    assert kinds(connection) == ["refresh_failed", "degraded", "refreshed", "recovered"]


@responses.activate
def test_a_server_error_on_a_call_degrades_rather_than_errors(tenants: Tenants) -> None:
    connection = make_connection(tenants.alpha)
    responses.add(responses.GET, ORGANISATION, status=500)
    with pytest.raises(ProviderUnavailable):
        xero.organisation(connection)
    connection.refresh_from_db()
    assert connection.state == Connection.State.DEGRADED


@responses.activate
def test_keep_alive_refreshes_only_idle_grants(tenants: Tenants) -> None:
    idle = make_grant(
        tenants.alpha, subject="idle", last_refreshed_at=timezone.now() - timedelta(days=2)
    )
    make_grant(tenants.alpha, subject="busy")
    responses.add(responses.POST, settings.XERO_TOKEN_URL, json=refreshed_token())
    assert keep_grants_alive() == 1
    idle.refresh_from_db()
    assert idle.refresh_token == "refresh-token-2"


@responses.activate
def test_disconnect_deletes_the_xero_connection_revokes_and_clears_tokens(tenants: Tenants) -> None:
    connection = make_connection(tenants.alpha)
    responses.add(responses.DELETE, f"{settings.XERO_CONNECTIONS_URL}/conn-1", status=204)
    responses.add(responses.POST, settings.XERO_REVOCATION_URL, status=200)
    response = disconnect_through_page(
        client_for(tenants.manager),
        f"/settings/integrations/xero/connections/{connection.pk}/disconnect/",
    )
    assert response.status_code == 302
    assert "token=refresh-token-one" in str(responses.calls[1].request.body)
    connection.refresh_from_db()
    grant = OAuthGrant.objects.get()
    assert connection.state == Connection.State.DISCONNECTED and connection.grant is None
    assert (grant.status, grant.access_token, grant.refresh_token) == ("revoked", "", "")
    assert kinds(connection)[-1] == "disconnected"


@responses.activate
def test_disconnect_still_happens_locally_when_revocation_fails(tenants: Tenants) -> None:
    connection = make_connection(tenants.alpha)
    responses.add(responses.DELETE, f"{settings.XERO_CONNECTIONS_URL}/conn-1", status=204)
    responses.add(responses.POST, settings.XERO_REVOCATION_URL, status=503)
    disconnect_through_page(
        client_for(tenants.owner),
        f"/settings/integrations/xero/connections/{connection.pk}/disconnect/",
    )
    connection.refresh_from_db()
    assert connection.state == Connection.State.DISCONNECTED
    failed = ConnectionEvent.objects.get(kind="revoke_failed")
    assert "503" in failed.message


def test_bookkeeper_sees_the_card_read_only_and_a_forged_disconnect_is_refused(
    tenants: Tenants,
) -> None:
    connection = make_connection(tenants.alpha)
    client = client_for(tenants.bookkeeper)
    page = client.get("/settings/integrations/").content.decode()
    assert "Demo Company (UK)" in page and ">Disconnect<" not in page
    forged = client.post(f"/settings/integrations/xero/connections/{connection.pk}/disconnect/")
    assert forged.status_code == 403
    connection.refresh_from_db()
    assert connection.state == Connection.State.CONNECTED


def test_another_organisations_connection_is_a_404(tenants: Tenants) -> None:
    connection = make_connection(tenants.alpha)
    client = client_for(tenants.outsider)
    base = f"/settings/integrations/xero/connections/{connection.pk}/"
    assert client.get(base).status_code == 404
    assert client.post(f"{base}disconnect/").status_code == 404


def test_while_xero_is_connected_the_other_accounting_cards_say_why(tenants: Tenants) -> None:
    make_connection(tenants.alpha)
    page = client_for(tenants.owner).get("/settings/integrations/").content.decode()
    assert page.count("Xero is connected (Demo Company (UK)): Patchbay works with one") == 2


def test_the_connection_page_shows_its_history_with_actor_and_time(tenants: Tenants) -> None:
    connection = make_connection(tenants.alpha)
    ConnectionEvent.objects.create(
        organisation=tenants.alpha, connection=connection, kind="connected", actor=tenants.owner
    )
    page = (
        client_for(tenants.bookkeeper)
        .get(f"/settings/integrations/xero/connections/{connection.pk}/")
        .content.decode()
    )
    assert "Connected" in page and str(tenants.owner) in page


def health_reads(queries: CaptureQueriesContext) -> list[str]:
    table = Connection._meta.db_table
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith(f'SELECT "{table}"."id", "{table}"."state"')
    ]


@responses.activate
def test_a_call_on_a_connection_whose_row_is_held_skips_the_health_re_read(
    tenants: Tenants,
) -> None:
    connection = make_connection(tenants.alpha)
    responses.add(responses.GET, ORGANISATION, json=ORG_BODY)
    with CaptureQueriesContext(db_connection) as free:
        xero.organisation(connection)
    with tokens.row_held(connection), CaptureQueriesContext(db_connection) as held:
        xero.organisation(connection)
    # Another object for the same row is not the one whose fields were read under the lock.
    other = Connection.objects.get(pk=connection.pk)
    with tokens.row_held(connection), CaptureQueriesContext(db_connection) as not_held:
        xero.organisation(other)

    assert len(health_reads(free)) == 1
    assert health_reads(held) == []
    assert len(health_reads(not_held)) == 1


@responses.activate
def test_a_token_refresh_under_a_held_row_still_re_reads_the_health_it_changed(
    tenants: Tenants,
) -> None:
    grant = make_grant(tenants.alpha, expires_in=timedelta(minutes=4))
    connection = make_connection(tenants.alpha, grant)
    Connection.objects.filter(pk=connection.pk).update(state=Connection.State.DEGRADED)
    connection.refresh_from_db()
    responses.add(responses.POST, settings.XERO_TOKEN_URL, json=refreshed_token())
    responses.add(responses.GET, ORGANISATION, json=ORG_BODY)

    with tokens.row_held(connection):
        xero.organisation(connection)

    # The refresh marked the connection healthy (through its own object); this one read
    # that back rather than recording a second recovery.
    assert connection.state == Connection.State.CONNECTED
    assert kinds(connection) == ["refreshed", "recovered"]
