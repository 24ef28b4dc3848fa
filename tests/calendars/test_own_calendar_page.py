"""A user's own calendar page: theirs alone; where Patchbay writes; their narrowing of
the defaults; Disconnect that removes Patchbay's events when asked (against Radicale)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from calendars.models import AccountCheck, CalendarPreference, CalendarTarget, EventLink
from calendars.tasks import list_calendars
from integrations.models import AppPassword, AuditEntry, Connection, SyncRun
from integrations.tasks import forget_password
from sandbox.icloud.server import ICloudSandbox
from tests.calendars.conftest import APPLE_ID
from tests.calendars.providers.icloud.test_connect_and_push import (
    CALENDAR,
    assignment_for,
    attempt_url,
    connect,
    sync,
)
from tests.conftest import Tenants, client_for


def connected(tenants: Tenants) -> tuple[Client, Connection]:
    client = client_for(tenants.crew)
    attempt = connect(client)
    client.post(attempt_url(attempt), {"calendar": "new"})
    return client, Connection.objects.get(owner=tenants.crew, provider="icloud")


def page(connection: Connection) -> str:
    return f"/settings/calendars/mine/{connection.pk}/"


@pytest.mark.parametrize("role", ["owner", "integration_manager", "bookkeeper"])
def test_a_users_calendar_page_is_a_404_for_everyone_else(
    icloud: ICloudSandbox, tenants: Tenants, role: str
) -> None:
    client, connection = connected(tenants)
    assert client.get(page(connection)).status_code == 200

    other = client_for(tenants.by_role[role])
    assert other.get(page(connection)).status_code == 404
    assert other.get(page(connection), {"change": "calendar"}).status_code == 404
    for action in ("calendar/", "preferences/"):
        form = {"calendar": "new", "detail": "full"}
        assert other.post(f"{page(connection)}{action}", form).status_code == 404
    assert client_for(tenants.outsider).get(page(connection)).status_code in (403, 404)
    assert CalendarTarget.objects.get(connection=connection).name == "Patchbay"


def test_the_page_lists_the_accounts_calendars_and_saves_another_choice(
    icloud: ICloudSandbox, tenants: Tenants
) -> None:
    client, connection = connected(tenants)
    sync(connection)  # makes "Patchbay - Alpha Hire"
    made = CalendarTarget.objects.get(connection=connection)

    # The connect check's listing (from before that calendar) is no longer fresh.
    AccountCheck.objects.update(created_at=timezone.now() - timedelta(hours=1))
    asked = client.get(page(connection), {"change": "calendar"}).content.decode()
    assert "Asking Apple iCloud for your calendars" in asked  # no provider call in a request
    listing = AccountCheck.objects.filter(connection=connection).latest("pk")
    list_calendars(listing.pk)  # what the worker does

    shown = client.get(page(connection), {"change": "calendar"}).content.decode()
    assert "Patchbay - Alpha Hire" in shown
    chosen = client.post(f"{page(connection)}calendar/", {"calendar": made.remote_id})
    assert chosen.status_code == 302
    target = CalendarTarget.objects.get(connection=connection)
    assert (target.remote_id, target.name) == (made.remote_id, "Patchbay - Alpha Hire")
    refused = client.post(f"{page(connection)}calendar/", {"calendar": "/not/a/calendar/"})
    assert refused.status_code == 400
    assert CalendarTarget.objects.get(connection=connection).remote_id == made.remote_id


def test_a_user_may_narrow_the_defaults_but_never_widen_them(
    icloud: ICloudSandbox, tenants: Tenants
) -> None:
    client, connection = connected(tenants)  # the defaults: project name only

    widened = client.post(f"{page(connection)}preferences/", {"detail": "full"})
    narrowed = client.post(f"{page(connection)}preferences/", {"scope": "assignments"})

    assert widened.status_code == 400
    assert narrowed.status_code == 302
    preference = CalendarPreference.objects.get(user=tenants.crew)
    assert (preference.scope, preference.detail) == ("assignments", "")


def test_disconnect_asked_to_remove_events_deletes_them_then_forgets_the_password(
    icloud: ICloudSandbox, tenants: Tenants
) -> None:
    client, connection = connected(tenants)
    assignment_for(tenants)
    assert sync(connection).status == SyncRun.Status.SUCCEEDED
    assert len(icloud.stored_events(APPLE_ID, CALENDAR)) == 2
    password_id = connection.app_password_id

    response = client.post(
        f"/settings/integrations/icloud/connections/{connection.pk}/disconnect/",
        {"remove_events": "1", "confirm": "yes"},
    )

    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.state == Connection.State.DISCONNECTED and connection.app_password is None
    assert password_id is not None and AppPassword.objects.filter(pk=password_id).exists()
    forget_password(connection.pk, password_id, tenants.crew.pk)  # what the worker does
    assert icloud.stored_events(APPLE_ID, CALENDAR) == {}
    assert not EventLink.objects.filter(connection=connection).exists()
    assert not AppPassword.objects.filter(pk=password_id).exists()


def test_disconnect_without_asking_leaves_the_events_and_forgets_the_password(
    icloud: ICloudSandbox, tenants: Tenants
) -> None:
    client, connection = connected(tenants)
    assignment_for(tenants)
    sync(connection)
    password_id = connection.app_password_id

    client.post(
        f"/settings/integrations/icloud/connections/{connection.pk}/disconnect/",
        {"confirm": "yes"},
    )
    assert password_id is not None
    forget_password(connection.pk, password_id, tenants.crew.pk)

    assert len(icloud.stored_events(APPLE_ID, CALENDAR)) == 2
    assert not AppPassword.objects.filter(pk=password_id).exists()


def test_every_icloud_call_of_a_sync_is_audited_without_the_answers(
    icloud: ICloudSandbox, tenants: Tenants
) -> None:
    client, connection = connected(tenants)
    assignment_for(tenants)

    sync(connection)

    entries = list(AuditEntry.objects.filter(connection=connection).order_by("id"))
    puts = [entry for entry in entries if entry.method == "PUT"]
    assert len(puts) == 2 and {entry.outcome for entry in puts} == {"created"}
    assert all("BEGIN:VCALENDAR" in entry.request_body for entry in puts)
    assert any(entry.method == "MKCALENDAR" for entry in entries)
    assert all(entry.response_body == "" for entry in entries)
    calls = client.get(page(connection)).content.decode()
    assert calls.count("PUT event") == 2


def test_checks_and_listings_older_than_a_day_are_purged(tenants: Tenants) -> None:
    from calendars.tasks import purge_account_checks

    def check(age: timedelta) -> AccountCheck:
        return AccountCheck.objects.create(
            organisation=tenants.alpha,
            user=tenants.crew,
            provider="icloud",
            username="crew@icloud.test",
            password="abcdabcdabcdabcd",
            created_at=timezone.now() - age,
        )

    old, fresh = check(timedelta(days=2)), check(timedelta(hours=1))

    assert purge_account_checks() == 1
    assert list(AccountCheck.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert old.pk != fresh.pk


def test_a_deleted_calendar_asks_where_to_write_now_and_no_reconnect(
    icloud: ICloudSandbox, tenants: Tenants, in_icloud: Any
) -> None:
    client, connection = connected(tenants)
    assignment_for(tenants)
    sync(connection)
    made = CalendarTarget.objects.get(connection=connection)
    assert in_icloud.delete(made.remote_id).status_code in (200, 204)
    CalendarTarget.objects.update(reconciled_at=timezone.now() - timedelta(days=2))

    run = sync(connection)  # the daily reconcile finds it gone

    assert run.status == SyncRun.Status.FAILED
    assert "Choose another calendar" in run.errors[0]["message"]
    connection.refresh_from_db()
    assert connection.state == Connection.State.CONNECTED  # the account works
    assert not CalendarTarget.objects.filter(connection=connection).exists()
    assert (
        "choose the calendar Patchbay writes to"
        in client.get("/settings/profile/").content.decode()
    )
    client.post(f"{page(connection)}calendar/", {"calendar": "new"})
    assert sync(connection).status == SyncRun.Status.SUCCEEDED
    assert len(icloud.stored_events(APPLE_ID, CALENDAR)) == 2  # all written again
