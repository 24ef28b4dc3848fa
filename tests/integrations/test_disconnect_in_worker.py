"""Disconnect answers at once; unlinking and revoking at the provider is the worker's."""

from __future__ import annotations

import pytest
import responses
from django.conf import settings
from django.test import TestCase

from integrations import tasks
from integrations.models import Connection, ConnectionEvent, OAuthGrant
from tests.conftest import Tenants, client_for
from tests.integrations.helpers import make_connection, make_grant
from tests.outbound import refused_outbound


def test_disconnect_calls_no_provider_and_the_worker_revokes_after(
    tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    connection = make_connection(tenants.alpha)
    queued: list[tuple[int, ...]] = []
    monkeypatch.setattr(tasks.remove_at_provider, "delay", lambda *args: queued.append(args))
    url = f"/settings/integrations/xero/connections/{connection.pk}/disconnect/"
    with refused_outbound() as calls, TestCase.captureOnCommitCallbacks(execute=True):
        response = client_for(tenants.owner).post(url, {"confirm": "yes"})
    assert calls == [] and response.status_code == 302
    connection.refresh_from_db()
    assert connection.state == Connection.State.DISCONNECTED and connection.grant is None
    assert queued == [(connection.pk, OAuthGrant.objects.get().pk, tenants.owner.pk)]

    with responses.RequestsMock() as mocked:
        mocked.add(responses.DELETE, f"{settings.XERO_CONNECTIONS_URL}/conn-1", status=204)
        mocked.add(responses.POST, settings.XERO_REVOCATION_URL, status=200)
        assert tasks.remove_at_provider(*queued[0]) == "removed at the provider"
    assert OAuthGrant.objects.get().status == OAuthGrant.Status.REVOKED
    connection.refresh_from_db()  # the worker's successful call did not bring it back
    assert connection.state == Connection.State.DISCONNECTED


def test_a_failed_removal_in_the_worker_is_recorded_and_leaves_it_disconnected(
    tenants: Tenants,
) -> None:
    connection = make_connection(tenants.alpha)
    grant = OAuthGrant.objects.get()
    Connection.objects.filter(pk=connection.pk).update(
        state=Connection.State.DISCONNECTED, grant=None
    )
    with responses.RequestsMock() as mocked:
        mocked.add(responses.DELETE, f"{settings.XERO_CONNECTIONS_URL}/conn-1", status=503)
        mocked.add(responses.POST, settings.XERO_REVOCATION_URL, status=503)
        outcome = tasks.remove_at_provider(connection.pk, grant.pk, tenants.owner.pk)
    assert "503" in outcome
    failed = ConnectionEvent.objects.get(kind="revoke_failed")
    assert failed.actor == tenants.owner and "remove it there" in failed.message
    connection.refresh_from_db()
    assert connection.state == Connection.State.DISCONNECTED


def test_a_reconnect_before_the_worker_runs_keeps_the_new_link_and_revokes_the_old_grant(
    tenants: Tenants,
) -> None:
    connection = make_connection(tenants.alpha)
    old = OAuthGrant.objects.get()
    new = make_grant(tenants.alpha, subject="again")
    Connection.objects.filter(pk=connection.pk).update(grant=new)  # connected again
    with responses.RequestsMock() as mocked:  # no DELETE of the (now new) Xero link
        mocked.add(responses.POST, settings.XERO_REVOCATION_URL, status=200)
        tasks.remove_at_provider(connection.pk, old.pk, None)
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == OAuthGrant.Status.REVOKED and new.status == OAuthGrant.Status.ACTIVE
    connection.refresh_from_db()
    assert connection.state == Connection.State.CONNECTED and connection.grant == new
