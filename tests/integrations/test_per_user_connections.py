"""Connections a user owns (their own calendar account): connected by each user from
their profile, theirs alone, counted but never shown on the organisation's page."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from integrations.models import Connection, OAuthGrant
from integrations.registry import Integration
from tests.conftest import Tenants, client_for
from tests.integrations.helpers import make_connection
from tests.integrations.per_user import connect_own

pytestmark = pytest.mark.usefixtures("per_user_integrations")
EXAMPLE = "example-calendar"


def test_crew_connects_their_own_account_from_their_profile(tenants: Tenants) -> None:
    client = client_for(tenants.crew)  # crew may not manage the organisation's connections

    response = connect_own(client, EXAMPLE, "crew@example.test")

    assert response.status_code == 302 and response["Location"] == "/settings/profile/"
    connection = Connection.objects.get(provider=EXAMPLE)
    assert connection.owner == tenants.crew and connection.organisation == tenants.alpha
    assert connection.grant is not None and connection.grant.owner == tenants.crew
    profile = client.get("/settings/profile/").content.decode()
    assert "crew@example.test" in profile and "Disconnect" in profile


def test_another_user_of_the_organisation_cannot_open_or_disconnect_it(
    tenants: Tenants,
) -> None:
    connect_own(client_for(tenants.crew), EXAMPLE, "crew@example.test")
    connection = Connection.objects.get(provider=EXAMPLE)
    detail = f"/settings/integrations/{EXAMPLE}/connections/{connection.pk}/"

    for user in (tenants.owner, tenants.manager, tenants.bookkeeper):
        client = client_for(user)
        assert client.get(detail).status_code == 404
        assert client.post(f"{detail}disconnect/").status_code == 404
    connection.refresh_from_db()
    assert connection.state == Connection.State.CONNECTED
    assert client_for(tenants.crew).get(detail).status_code == 200


def test_the_owner_can_disconnect_their_own_account(tenants: Tenants) -> None:
    client = client_for(tenants.crew)
    connect_own(client, EXAMPLE, "crew@example.test")
    connection = Connection.objects.get(provider=EXAMPLE)

    response = client.post(
        f"/settings/integrations/{EXAMPLE}/connections/{connection.pk}/disconnect/",
        {"confirm": "yes"},
    )

    assert response["Location"] == "/settings/profile/"
    connection.refresh_from_db()
    assert connection.state == Connection.State.DISCONNECTED


def test_two_users_may_connect_the_same_account_each_for_themselves(tenants: Tenants) -> None:
    connect_own(client_for(tenants.crew), EXAMPLE, "shared@example.test")
    connect_own(client_for(tenants.manager), EXAMPLE, "shared@example.test")

    owners = set(Connection.objects.filter(provider=EXAMPLE).values_list("owner", flat=True))
    assert owners == {tenants.crew.pk, tenants.manager.pk}
    assert OAuthGrant.objects.filter(provider=EXAMPLE).count() == 2


def test_a_second_calendar_platform_is_refused_with_what_to_do(
    tenants: Tenants, per_user_integrations: tuple[Integration, ...]
) -> None:
    client = client_for(tenants.crew)
    connect_own(client, EXAMPLE, "crew@example.test")

    response = client.post("/settings/integrations/other-calendar/connect/")

    assert response["Location"] == "/settings/profile/"
    message = [str(m) for m in get_messages(response.wsgi_request)][-1]
    assert "crew@example.test is connected through another calendar platform" in message
    assert "disconnect it first" in message
    assert not Connection.objects.filter(provider="other-calendar").exists()
    # Someone else's calendar platform is no obstacle.
    assert connect_own(client_for(tenants.manager), "other-calendar", "m@x.test").status_code == 302


def test_a_second_account_of_the_same_platform_is_refused(tenants: Tenants) -> None:
    client = client_for(tenants.crew)
    connect_own(client, EXAMPLE, "crew@example.test")

    response = connect_own(client, EXAMPLE, "other@example.test")

    message = [str(m) for m in get_messages(response.wsgi_request)][-1]
    assert "You already connected crew@example.test" in message
    assert Connection.objects.filter(provider=EXAMPLE).count() == 1


def test_the_organisations_card_counts_people_and_names_no_account(tenants: Tenants) -> None:
    connect_own(client_for(tenants.crew), EXAMPLE, "crew@example.test")
    connect_own(client_for(tenants.bookkeeper), EXAMPLE, "books@example.test")
    Connection.objects.filter(owner=tenants.bookkeeper).update(
        state=Connection.State.ERROR, reason="The grant was revoked."
    )

    page = client_for(tenants.owner).get("/settings/integrations/").content.decode()

    assert "2 people connected · 1 must reconnect from their profile" in page
    assert "crew@example.test" not in page and "books@example.test" not in page


def test_a_users_own_connection_is_not_the_organisations(tenants: Tenants) -> None:
    """The organisation's cards and exclusive groups ignore connections users own."""
    make_connection(tenants.alpha, owner=tenants.crew)  # a Xero account, but the crew's

    page = client_for(tenants.owner).get("/settings/integrations/").content.decode()

    assert "Demo Company (UK)" not in page
    assert page.count('action="/settings/integrations/xero/connect/"') == 1


def test_another_organisations_user_never_reaches_it(tenants: Tenants) -> None:
    connect_own(client_for(tenants.crew), EXAMPLE, "crew@example.test")
    connection = Connection.objects.get(provider=EXAMPLE)

    outsider = client_for(tenants.outsider)
    detail = f"/settings/integrations/{EXAMPLE}/connections/{connection.pk}/"

    assert outsider.get(detail).status_code == 404
    assert outsider.post(f"{detail}disconnect/").status_code == 404
