"""The display mode: quantities, labels or calendar, each with an example of what
visitors see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import Tenants, client_for
from tests.wordpress_bridge.helpers import make_category
from wordpress_bridge.models import WebsiteSettings
from wordpress_bridge.site_settings import settings_for

MODE = reverse("wordpress_bridge:display_mode")
SETTINGS = reverse("wordpress_bridge:settings")


def test_a_new_website_shows_labels_and_every_mode_has_an_example(tenants: Tenants) -> None:
    body = client_for(tenants.owner).get(SETTINGS).content.decode()
    assert 'value="labels" checked' in body
    assert "4 of 10 available" in body
    assert "In stock" in body
    assert 'class="day day-limited"' in body


@pytest.mark.parametrize("mode", ["quantities", "labels", "calendar"])
def test_choosing_a_mode_saves_it_and_nothing_else(tenants: Tenants, mode: str) -> None:
    lighting = make_category(tenants.alpha, "Lighting")
    settings_for(tenants.alpha).shown_categories.add(lighting)
    response = client_for(tenants.manager).post(MODE, {"display_mode": mode}, follow=True)
    label = WebsiteSettings.DisplayMode(mode).label
    assert f"The website now shows availability as “{label}”." in response.content.decode()
    site = settings_for(tenants.alpha)
    assert site.display_mode == mode
    assert list(site.shown_categories.all()) == [lighting]
    assert f'value="{mode}" checked' in response.content.decode()


def test_an_unknown_mode_is_a_clear_error_that_saves_nothing(tenants: Tenants) -> None:
    response = client_for(tenants.owner).post(MODE, {"display_mode": "exact-stock"})
    assert response.status_code == 400
    assert "Select a valid choice. exact-stock is not one of the available choices." in (
        response.content.decode()
    )
    assert settings_for(tenants.alpha).display_mode == WebsiteSettings.DisplayMode.LABELS
