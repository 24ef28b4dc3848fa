"""Who reaches the WordPress settings: owners and integration managers change them,
bookkeepers read them, crew and outsiders are refused; the pages' query counts do not
grow with the catalogue."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apikeys import website_keys
from tenancy.models import User
from tenancy.roles import Role
from tests.conftest import Tenants, client_for
from tests.wordpress_bridge.helpers import INTERNAL, make_category
from wordpress_bridge.models import AllowedOrigin, WebsiteSettings

SETTINGS = reverse("wordpress_bridge:settings")
EDITING_ROLES = [Role.OWNER, Role.INTEGRATION_MANAGER]


@pytest.mark.parametrize("role", EDITING_ROLES)
def test_owners_and_managers_get_every_section_with_its_controls(
    tenants: Tenants, role: str
) -> None:
    make_category(tenants.alpha, "Lighting")
    body = client_for(tenants.by_role[role]).get(SETTINGS).content.decode()
    for heading in (
        "Website key",
        "Install the plugin",
        "Allowed domains",
        "What the website shows",
        "Display mode",
    ):
        assert f">{heading}</h2>" in body
    assert "Generate website key" in body
    assert "Add domain" in body
    assert "Save categories" in body
    assert "Save display mode" in body
    assert "<fieldset disabled>" not in body


def test_the_bookkeeper_reads_the_settings_without_controls(tenants: Tenants) -> None:
    make_category(tenants.alpha, "Lighting")
    website_keys.issue(tenants.alpha)
    response = client_for(tenants.bookkeeper).get(SETTINGS)
    body = response.content.decode()
    assert response.status_code == 200
    assert "You can see these settings but not change them" in body
    for control in ("Regenerate", "Add domain", "Save categories", "Save display mode"):
        assert control not in body
    assert body.count("<fieldset disabled>") == 2  # the categories and the mode


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("wordpress_bridge:key", {}),
        ("wordpress_bridge:add_origin", {"origin": "https://www.example.com"}),
        ("wordpress_bridge:shown_categories", {"categories": []}),
        ("wordpress_bridge:display_mode", {"display_mode": "quantities"}),
    ],
)
def test_the_bookkeeper_cannot_change_anything(
    tenants: Tenants, name: str, data: dict[str, object]
) -> None:
    response = client_for(tenants.bookkeeper).post(reverse(name), data)
    assert response.status_code == 403
    assert not AllowedOrigin.objects.exists()
    assert website_keys.active_key(tenants.alpha) is None
    assert not WebsiteSettings.objects.filter(display_mode="quantities").exists()


@pytest.mark.parametrize("who", ["crew", "outsider"])
def test_crew_are_refused_and_outsiders_see_only_their_own(tenants: Tenants, who: str) -> None:
    user: User = tenants.crew if who == "crew" else tenants.outsider
    make_category(tenants.alpha, "Alpha lighting")
    response = client_for(user).get(SETTINGS)
    if who == "crew":
        assert response.status_code == 403
    else:  # Bravo's owner reaches Bravo's settings, never Alpha's categories
        assert response.status_code == 200
        assert "Alpha lighting" not in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_sign_in(db: None) -> None:
    from django.test import Client

    response = Client().get(SETTINGS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_install_steps_give_this_patchbays_url_and_the_shortcode(
    tenants: Tenants, settings: object
) -> None:
    settings.PUBLIC_BASE_URL = "https://patchbay.example.net"  # type: ignore[attr-defined]
    body = client_for(tenants.owner).get(SETTINGS).content.decode()
    assert '<code data-testid="public-base-url">https://patchbay.example.net</code>' in body
    assert "[patchbay_availability]" in body
    assert reverse("wordpress_bridge:download_plugin") in body


def _queries(user: User, url: str) -> int:
    client = client_for(user)
    client.get(url)  # session, middleware caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_settings_page_reads_the_same_number_of_queries_for_any_catalogue(
    tenants: Tenants,
) -> None:
    make_category(tenants.alpha, "Lighting", items=2)
    AllowedOrigin.objects.create(organisation=tenants.alpha, origin="https://a.example.com")
    website_keys.issue(tenants.alpha)
    small = _queries(tenants.owner, SETTINGS)
    for number in range(8):
        make_category(tenants.alpha, f"Category {number}", items=20)
    make_category(tenants.alpha, "Workshop", items=5, visibility=INTERNAL)
    for number in range(5):
        AllowedOrigin.objects.create(
            organisation=tenants.alpha, origin=f"https://s{number}.example.com"
        )
    assert _queries(tenants.owner, SETTINGS) == small


def test_a_categorys_items_page_reads_the_same_number_of_queries_for_any_size(
    tenants: Tenants,
) -> None:
    few = make_category(tenants.alpha, "Few", items=2)
    many = make_category(tenants.alpha, "Many", items=200)
    few_url = reverse("wordpress_bridge:category_items", kwargs={"pk": few.pk})
    many_url = reverse("wordpress_bridge:category_items", kwargs={"pk": many.pk})
    assert _queries(tenants.owner, many_url) == _queries(tenants.owner, few_url)
