from __future__ import annotations

from django.test import Client

from tenancy.models import Membership
from tenancy.roles import Role
from tests.conftest import Tenants, client_for


def test_user_with_two_memberships_switches_organisation(tenants: Tenants) -> None:
    Membership.objects.create(user=tenants.owner, organisation=tenants.bravo, role=Role.CREW)
    client = client_for(tenants.owner)
    assert "Alpha Hire" in client.get("/settings/profile/").content.decode()

    response = client.post("/settings/organisation/switch/", {"organisation": tenants.bravo.pk})
    assert response.status_code == 302
    # In Bravo the same person is crew: the Integrations page is no longer theirs.
    assert client.get("/settings/integrations/").status_code == 403


def test_switching_to_an_organisation_you_do_not_belong_to_is_refused(tenants: Tenants) -> None:
    client = client_for(tenants.owner)
    response = client.post(
        "/settings/organisation/switch/", {"organisation": tenants.bravo.pk}, follow=True
    )
    assert "You are not a member of that organisation." in response.content.decode()
    assert client.session["current_organisation_id"] == tenants.alpha.pk


def test_a_removed_membership_falls_back_to_a_remaining_one(tenants: Tenants) -> None:
    Membership.objects.create(user=tenants.owner, organisation=tenants.bravo, role=Role.OWNER)
    client = client_for(tenants.owner)
    client.post("/settings/organisation/switch/", {"organisation": tenants.bravo.pk})
    Membership.objects.filter(user=tenants.owner, organisation=tenants.bravo).delete()
    body = client.get("/settings/integrations/").content.decode()
    assert 'data-testid="current-organisation">Alpha Hire<' in body


def test_user_without_membership_is_told_so(db: None) -> None:
    from tests.factories import make_user

    client = client_for(make_user("lonely@nowhere.test"))
    response = client.get("/settings/integrations/")
    assert response.status_code == 403
    assert "not a member of any organisation" in response.content.decode()


def test_profile_saves_name_and_shows_errors_beside_the_field(tenants: Tenants) -> None:
    client = client_for(tenants.crew)
    assert client.post("/settings/profile/", {"full_name": "Casey Crew"}).status_code == 302
    tenants.crew.refresh_from_db()
    assert tenants.crew.full_name == "Casey Crew"
    response = client.post("/settings/profile/", {"full_name": "x" * 300})
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    tenants.crew.refresh_from_db()
    assert tenants.crew.full_name == "Casey Crew"


def test_every_role_has_a_profile_page(tenants: Tenants) -> None:
    for user in [*tenants.by_role.values(), tenants.outsider]:
        assert client_for(user).get("/settings/profile/").status_code == 200
    assert Client().get("/settings/profile/").status_code == 302
