"""A user's own connection that stops working tells them by email, once, with the way
to fix it; the organisation's connections and healed ones send nothing."""

from __future__ import annotations

from typing import Any

from django.core import mail

from integrations import health
from integrations.models import Connection
from integrations.tasks import mail_owner_connection_failed
from tests.conftest import Tenants


def own_connection(tenants: Tenants, owner: Any) -> Connection:
    return Connection.objects.create(
        organisation=tenants.alpha,
        owner=owner,
        provider="icloud",
        remote_id="crew@icloud.test",
        remote_name="crew@icloud.test",
        state=Connection.State.CONNECTED,
    )


def test_a_users_connection_failing_mails_them_how_to_reconnect(
    tenants: Tenants, django_capture_on_commit_callbacks: Any
) -> None:
    connection = own_connection(tenants, tenants.crew)

    with django_capture_on_commit_callbacks() as queued:
        health.mark_error(connection, "iCloud refused the app-specific password")
        health.mark_error(connection, "again")  # already failing: no second mail
    assert len(queued) == 1
    assert mail_owner_connection_failed(connection.pk) == "sent"

    [message] = mail.outbox
    assert message.to == [tenants.crew.email]
    assert "Reconnect your Apple iCloud calendar" in message.subject
    assert "iCloud refused the app-specific password" in message.body
    assert "/settings/profile/" in message.body


def test_the_organisations_connections_mail_no_one(
    tenants: Tenants, django_capture_on_commit_callbacks: Any
) -> None:
    connection = own_connection(tenants, None)

    with django_capture_on_commit_callbacks() as queued:
        health.mark_error(connection, "refused")

    assert queued == []


def test_no_mail_once_the_user_has_reconnected(tenants: Tenants) -> None:
    connection = own_connection(tenants, tenants.crew)
    health.mark_error(connection, "refused")
    health.mark_healthy(connection)

    assert mail_owner_connection_failed(connection.pk) == "not needed"
    assert mail.outbox == []
