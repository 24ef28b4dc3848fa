"""What a card shows besides its state: the provider's mark, when it synced and will sync
next in the organisation's time zone, and names in sentences; and the favicon."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib.staticfiles import finders
from django.utils import timezone

from integrations.registry import registered
from tests.conftest import Tenants, client_for
from tests.integrations.helpers import make_connection, make_password_connection

NEW_YORK = ZoneInfo("America/New_York")


def test_every_registered_integration_has_a_mark_and_its_card_shows_it(tenants: Tenants) -> None:
    page = client_for(tenants.owner).get("/settings/integrations/").content.decode()
    for integration in registered():
        assert finders.find(integration.mark), f"static/{integration.mark} is missing"
        assert f'src="/static/{integration.mark}"' in page


def test_the_card_says_when_it_synced_and_when_it_syncs_next_in_the_organisations_zone(
    tenants: Tenants,
) -> None:
    tenants.alpha.timezone = "America/New_York"
    tenants.alpha.save()
    now = timezone.now()
    next_at = now + timedelta(minutes=10)
    make_connection(
        tenants.alpha, last_sync_at=now - timedelta(minutes=4, seconds=5), next_sync_at=next_at
    )

    page = client_for(tenants.owner).get("/settings/integrations/").content.decode()

    line = re.search(r'data-testid="card-sync">([^<]*)<', page)
    assert line is not None
    local = next_at.astimezone(NEW_YORK)
    clock = f"{local:%H:%M}" if local.date() == now.astimezone(NEW_YORK).date() else None
    assert local.tzname() in ("EST", "EDT")
    expected = (
        f"Synced 4\xa0minutes ago · next at {clock} {local.tzname()}"
        if clock
        else f"Synced 4\xa0minutes ago · next at {local.day} {local:%b, %H:%M} {local.tzname()}"
    )
    assert line[1] == expected


def test_a_card_never_synced_says_so(tenants: Tenants) -> None:
    make_connection(tenants.alpha)
    page = client_for(tenants.owner).get("/settings/integrations/").content.decode()
    assert 'data-testid="card-sync">Not synced yet<' in page


def test_times_on_the_connection_page_carry_the_organisations_zone(tenants: Tenants) -> None:
    tenants.alpha.timezone = "Asia/Tokyo"
    tenants.alpha.save()
    connected_at = timezone.now()
    connection = make_connection(tenants.alpha, connected_at=connected_at)
    page = client_for(tenants.owner).get(
        f"/settings/integrations/xero/connections/{connection.pk}/"
    )
    local = connected_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"{local:%H:%M} JST" in page.content.decode()


def test_a_name_ending_in_s_takes_the_apostrophe_alone(tenants: Tenants) -> None:
    tenants.alpha.name = "Demo Rentals"
    tenants.alpha.save()
    profile = client_for(tenants.owner).get("/settings/profile/").content.decode()
    keys = client_for(tenants.owner).get("/settings/api/").content.decode()
    assert "Demo Rentals&#x27; time zone" in profile and "Rentals&#x27;s" not in profile
    assert "Demo Rentals&#x27; own tools" in keys
    tenants.bravo.name = "Bravo Hire"
    tenants.bravo.save()
    other = client_for(tenants.outsider).get("/settings/profile/").content.decode()
    assert "Bravo Hire&#x27;s time zone" in other


def test_the_favicon_is_linked_from_every_page_and_asked_for_at_the_root(
    tenants: Tenants, client
) -> None:
    sign_in_page = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in sign_in_page
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.svg"
    assert finders.find("favicon.svg")


def test_a_crew_members_own_calendar_card_says_when_it_synced(tenants: Tenants) -> None:
    from calendars.models import CalendarTarget

    connection = make_password_connection(
        tenants.alpha,
        tenants.crew,
        "crew@icloud.test",
        last_sync_at=timezone.now() - timedelta(hours=2, minutes=1),
    )
    CalendarTarget.objects.create(
        organisation=tenants.alpha, connection=connection, remote_id="/c/", name="Shifts"
    )
    page = client_for(tenants.crew).get("/settings/profile/").content.decode()
    assert 'data-testid="card-sync">Synced 2\xa0hours ago<' in page
    assert "crew@icloud.test → Shifts<" in page  # said once, on its own line
