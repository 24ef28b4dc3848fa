"""Disconnect asks first: a page says what is kept and what is revoked, and only its own
button disconnects. A bare one-click POST (a forged or stale form) changes nothing."""

from __future__ import annotations

import pytest
from django.test import TestCase

from calendars.models import CalendarTarget, EventLink
from integrations import tasks
from integrations.models import Connection
from tests.conftest import Tenants, client_for
from tests.integrations.helpers import make_connection, make_password_connection


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, ...]]:
    """The removals at the provider that a disconnect enqueued."""
    calls: list[tuple[int, ...]] = []
    monkeypatch.setattr(tasks.remove_at_provider, "delay", lambda *args: calls.append(args))
    monkeypatch.setattr(tasks.forget_password, "delay", lambda *args: calls.append(args))
    return calls


def xero_url(connection: Connection) -> str:
    return f"/settings/integrations/xero/connections/{connection.pk}/disconnect/"


def test_the_cards_disconnect_is_a_link_to_the_confirmation(tenants: Tenants) -> None:
    connection = make_connection(tenants.alpha)
    page = client_for(tenants.owner).get("/settings/integrations/").content.decode()
    assert f'<a class="button" href="{xero_url(connection)}">Disconnect</a>' in page


def test_the_confirmation_says_what_is_kept_and_revoked_and_changes_nothing(
    tenants: Tenants, queued: list[tuple[int, ...]]
) -> None:
    connection = make_connection(tenants.alpha)
    response = client_for(tenants.manager).get(xero_url(connection))
    page = response.content.decode()
    assert response.status_code == 200
    assert "What is kept" in page and "What is revoked" in page
    assert "Nothing is deleted on either side" in page  # accounting: what was synced stays
    assert "revokes its tokens there" in page  # the grant goes
    assert "no scheduled sync or Sync Now runs" in page
    assert 'name="confirm" value="yes"' in page
    connection.refresh_from_db()
    assert connection.state == Connection.State.CONNECTED and queued == []


def test_a_one_click_post_without_the_confirmation_does_nothing(
    tenants: Tenants, queued: list[tuple[int, ...]]
) -> None:
    connection = make_connection(tenants.alpha)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client_for(tenants.owner).post(xero_url(connection))
    assert response.status_code == 302 and response["Location"] == xero_url(connection)
    connection.refresh_from_db()
    assert connection.state == Connection.State.CONNECTED and connection.grant is not None
    assert queued == []


def test_the_confirmations_button_disconnects(
    tenants: Tenants, queued: list[tuple[int, ...]]
) -> None:
    connection = make_connection(tenants.alpha)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client_for(tenants.owner).post(xero_url(connection), {"confirm": "yes"})
    assert response["Location"] == "/settings/integrations/"
    connection.refresh_from_db()
    assert connection.state == Connection.State.DISCONNECTED
    assert len(queued) == 1


def test_a_bookkeeper_and_an_outsider_get_no_confirmation(tenants: Tenants) -> None:
    connection = make_connection(tenants.alpha)
    assert client_for(tenants.bookkeeper).get(xero_url(connection)).status_code == 403
    assert client_for(tenants.outsider).get(xero_url(connection)).status_code == 404


def icloud_with_events(tenants: Tenants) -> Connection:
    connection = make_password_connection(tenants.alpha, tenants.crew, "crew@icloud.test")
    CalendarTarget.objects.create(
        organisation=tenants.alpha, connection=connection, remote_id="/c/", name="Crew shifts"
    )
    for n in (1, 2):
        EventLink.objects.create(
            organisation=tenants.alpha,
            connection=connection,
            source="assignment",
            source_id=n,
            key=f"pb{n}",
            state=EventLink.State.ACTIVE,
        )
    return connection


def test_a_calendars_confirmation_keeps_the_choice_made_on_its_page(tenants: Tenants) -> None:
    connection = icloud_with_events(tenants)
    url = f"/settings/integrations/icloud/connections/{connection.pk}/disconnect/"
    crew = client_for(tenants.crew)

    asked = crew.get(f"{url}?remove_events=1").content.decode()
    plain = crew.get(url).content.decode()

    box = 'name="remove_events" value="1"'
    assert f"{box} checked>" in asked and box in plain and f"{box} checked>" not in plain
    assert "Also delete the 2 events Patchbay put in Crew shifts" in plain
    assert "The app-specific password: Patchbay deletes its encrypted copy" in plain
    assert "Your busy time" in plain
    account = crew.get(f"/settings/calendars/mine/{connection.pk}/").content.decode()
    assert f'<form method="get" action="{url}">' in account


def test_a_calendars_confirmed_disconnect_keeps_working_with_its_choice(
    tenants: Tenants, queued: list[tuple[int, ...]]
) -> None:
    connection = icloud_with_events(tenants)
    url = f"/settings/integrations/icloud/connections/{connection.pk}/disconnect/"
    crew = client_for(tenants.crew)
    with TestCase.captureOnCommitCallbacks(execute=True):
        crew.post(url, {"remove_events": "1"})  # no confirmation: nothing happens
    assert Connection.objects.get(pk=connection.pk).state == Connection.State.CONNECTED
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = crew.post(url, {"remove_events": "1", "confirm": "yes"})
    assert response["Location"] == "/settings/profile/"
    assert Connection.objects.get(pk=connection.pk).state == Connection.State.DISCONNECTED
    assert CalendarTarget.objects.get(connection=connection).remove_events_on_leave
    assert len(queued) == 1  # the password is forgotten by the worker
