"""A crew member's Google calendar whose grant was revoked at Google: the next token
refresh (the real one, against the Google sandbox) turns it red, and only that crew
member is told, once; reconnecting closes the notice."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from attention.kinds import Kind
from attention.scan import scan
from integrations import health, tokens
from integrations.errors import GrantInvalid
from integrations.models import Connection, ConnectionEvent, OAuthGrant
from sandbox.google_calendar import tokens as google_tokens
from tests.attention.helpers import open_notices, recipients
from tests.calendars.providers.google.conftest import (  # noqa: F401 - fixtures
    SCOPE,
    Crew,
    crew,
    google,
)
from tests.conftest import Tenants, client_for


def test_a_revoked_calendar_tells_its_crew_member_alone_once(
    crew: Crew,  # noqa: F811
    tenants: Tenants,
) -> None:
    grant_id = crew.connection.grant_id
    assert grant_id is not None
    google_tokens.revoke_grant(crew.grant)
    # The access token lapses: the next call refreshes, and Google says invalid_grant.
    OAuthGrant.objects.filter(pk=grant_id).update(access_expires_at=timezone.now())
    with pytest.raises(GrantInvalid):
        tokens.refresh_grant(grant_id)
    assert Connection.objects.get(pk=crew.connection.pk).state == Connection.State.ERROR

    scan()
    scan()

    assert recipients("calendar needs Reconnect") == ["crew@alpha.test"]
    assert [m.to for m in mail.outbox] == [["crew@alpha.test"]]
    [notice] = open_notices(Kind.CALENDAR_RECONNECT)
    assert notice.user_id == tenants.crew.pk
    crew_page = client_for(tenants.crew).get("/settings/notifications/").content.decode()
    assert notice.title in crew_page
    owner_page = client_for(tenants.owner).get("/settings/notifications/").content.decode()
    assert notice.title not in owner_page

    # Reconnect: Google issues new tokens to a new consent, stored on the grant.
    crew.grant.revoked_at = None
    crew.grant.save(update_fields=["revoked_at"])
    issued = google_tokens.issue(crew.grant, SCOPE, with_refresh=True)
    grant = OAuthGrant.objects.get(pk=grant_id)
    grant.access_token, grant.refresh_token = issued["access_token"], issued["refresh_token"]
    grant.status = OAuthGrant.Status.ACTIVE
    grant.save()
    health.mark_healthy(
        Connection.objects.get(pk=crew.connection.pk), kind=ConnectionEvent.Kind.RECONNECTED
    )
    scan()

    assert open_notices(Kind.CALENDAR_RECONNECT) == []
    assert recipients("Recovered: Your Google Calendar") == ["crew@alpha.test"]
