"""The WordPress card: Not set up, waiting for the plugin's first call, Connected (with
the site, the plugin's version and the last call) or Error (with the reason and what to
do), for the organisation's own calls only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apikeys import website_keys
from tests.conftest import Tenants, client_for
from wordpress_bridge.card import SiteState, standing
from wordpress_bridge.site_settings import settings_for

CARD = reverse("integrations:card-wordpress")


def _card(tenants: Tenants, user: object = None) -> str:
    response = client_for(user or tenants.owner).get(CARD, HTTP_HX_REQUEST="true")  # type: ignore[arg-type]
    assert response.status_code == 200
    return response.content.decode()


def test_without_a_key_the_card_is_not_set_up_and_offers_set_up(tenants: Tenants) -> None:
    body = _card(tenants)
    assert ">Not set up<" in body
    assert "No website key yet." in body
    assert f'href="{reverse("wordpress_bridge:settings")}">Set up<' in body
    assert f'href="{reverse("wordpress_bridge:download_plugin")}">Download plugin<' in body


def test_with_a_key_never_used_the_card_waits_and_says_the_next_step(tenants: Tenants) -> None:
    key, _ = website_keys.issue(tenants.alpha)
    body = _card(tenants)
    assert ">Waiting for first call<" in body
    assert f"Website key {key.masked} is ready. Next: install the plugin" in body
    assert ">Settings<" in body


def test_a_call_after_the_key_was_made_connects_the_card(tenants: Tenants) -> None:
    key, _ = website_keys.issue(tenants.alpha)
    site = settings_for(tenants.alpha)
    site.last_call_at = key.created_at + timedelta(minutes=2)
    site.site_url = "https://www.northwind.example"
    site.plugin_version = "1.2.0"
    site.save()
    body = _card(tenants)
    assert ">Connected<" in body
    assert "https://www.northwind.example · plugin 1.2.0 · last call" in body


def test_the_plugins_test_connection_alone_connects_the_card(tenants: Tenants) -> None:
    key, _ = website_keys.issue(tenants.alpha)
    site = settings_for(tenants.alpha)
    site.tested_at = key.created_at + timedelta(seconds=5)
    site.site_url = "https://www.northwind.example"
    site.save()
    found = standing(key, site)
    assert found.state == SiteState.CONNECTED
    assert "Test connection passed" in found.detail


def test_calls_before_a_regenerated_key_do_not_count(tenants: Tenants) -> None:
    site = settings_for(tenants.alpha)
    site.last_call_at = timezone.now() - timedelta(hours=1)
    site.save()
    key, _ = website_keys.issue(tenants.alpha)
    assert standing(key, site).state == SiteState.WAITING


def test_refused_calls_since_the_last_accepted_one_turn_the_card_red(tenants: Tenants) -> None:
    key, _ = website_keys.issue(tenants.alpha)
    site = settings_for(tenants.alpha)
    site.last_call_at = key.created_at + timedelta(minutes=1)
    site.refused_at = key.created_at + timedelta(minutes=5)
    site.refused_reason = "a replaced website key was used: paste the new key in WordPress"
    site.save()
    body = _card(tenants)
    assert ">Error<" in body
    assert "a replaced website key was used: paste the new key in WordPress." in body
    assert body.count("WordPress &gt; Settings") == 0  # the reason's advice, not a second one


def test_a_refusal_with_no_recorded_reason_still_says_what_to_do(tenants: Tenants) -> None:
    key, _ = website_keys.issue(tenants.alpha)
    site = settings_for(tenants.alpha)
    site.refused_at = key.created_at + timedelta(minutes=5)
    site.save()
    body = _card(tenants)
    assert ">Error<" in body
    assert "check that WordPress &gt; Settings &gt; Patchbay holds the current website key" in body


def test_an_accepted_call_after_a_refusal_reconnects(tenants: Tenants) -> None:
    key, _ = website_keys.issue(tenants.alpha)
    site = settings_for(tenants.alpha)
    site.refused_at = key.created_at + timedelta(minutes=1)
    site.last_call_at = key.created_at + timedelta(minutes=2)
    assert standing(key, site).state == SiteState.CONNECTED


def test_a_refusal_before_the_key_was_regenerated_is_old_news(tenants: Tenants) -> None:
    site = settings_for(tenants.alpha)
    site.refused_at = timezone.now() - timedelta(minutes=10)
    key, _ = website_keys.issue(tenants.alpha)
    assert standing(key, site).state == SiteState.WAITING


def test_one_organisations_card_never_shows_anothers_usage(tenants: Tenants) -> None:
    bravo_key, _ = website_keys.issue(tenants.bravo)
    bravo = settings_for(tenants.bravo)
    bravo.last_call_at = bravo_key.created_at + timedelta(minutes=1)
    bravo.site_url = "https://bravo-hire.example"
    bravo.plugin_version = "9.9.9"
    bravo.save()
    body = _card(tenants)
    assert ">Not set up<" in body
    assert "bravo-hire.example" not in body
    assert "9.9.9" not in body
    assert bravo_key.masked not in body


@pytest.mark.parametrize(
    ("role", "settings_label"), [("bookkeeper", "View settings"), ("crew", None)]
)
def test_what_each_role_may_do_from_the_card(
    tenants: Tenants, role: str, settings_label: str | None
) -> None:
    user = tenants.bookkeeper if role == "bookkeeper" else tenants.crew
    if settings_label is None:  # crew do not see the Integrations page at all
        assert client_for(user).get(reverse("integrations:index")).status_code == 403
        return
    body = _card(tenants, user)
    assert f">{settings_label}<" in body
    assert ">Set up<" not in body


def test_looking_at_the_card_writes_nothing(tenants: Tenants) -> None:
    from wordpress_bridge.models import WebsiteSettings

    _card(tenants)
    assert not WebsiteSettings.objects.exists()
