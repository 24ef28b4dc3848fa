"""What the card learns from the calls: last call, the plugin's version and site, refusals."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apikeys.models import WebsiteKey
from tests.conftest import Tenants
from tests.public_api import AGENT, BASE, make_website
from wordpress_bridge.models import WebsiteSettings
from wordpress_bridge.usage import Agent, parse_user_agent


@pytest.mark.parametrize(
    ("agent", "parsed"),
    [
        (AGENT, Agent("1.2.3", "https://rentals.example.com")),
        (
            "PatchbayAvailability/0.9.0-beta.1 (WordPress/6.5; http://127.0.0.1:8089)",
            Agent("0.9.0-beta.1", "http://127.0.0.1:8089"),
        ),
        ("PatchbayAvailability/2.0", Agent("2.0", "")),
        ("PatchbayAvailability/2.0 (WordPress/6.1; javascript:alert(1))", Agent("2.0", "")),
        ("PatchbayAvailability/2.0 (WordPress/6.1; https://x.test/<script>)", Agent("2.0", "")),
        ("PatchbayAvailability/ (WordPress/6.1; https://x.test)", None),
        ("PatchbayAvailability/" + "9" * 60, None),
        ("Mozilla/5.0 PatchbayAvailability/1.0", None),
        ("PatchbayAvailability/1.0 (WordPress/6.1; https://" + "a" * 600 + ".test)", None),
        ("WordPress/6.1; https://x.test", None),
        ("", None),
        (None, None),
    ],
)
def test_the_plugins_user_agent_is_parsed_defensively(agent: str | None, parsed: Any) -> None:
    assert parse_user_agent(agent) == parsed


def test_a_call_records_the_last_call_site_and_plugin_version(tenants: Tenants) -> None:
    site = make_website(tenants.alpha)
    site.client(HTTP_USER_AGENT=AGENT).get(BASE + "categories")
    settings = WebsiteSettings.objects.get(organisation=tenants.alpha)
    assert settings.last_call_at is not None
    assert settings.last_call_origin == ""
    assert (settings.plugin_version, settings.site_url) == ("1.2.3", "https://rentals.example.com")
    assert settings.tested_at is None  # only /site is the plugin's test
    key = WebsiteKey.objects.get(organisation=tenants.alpha, revoked_at__isnull=True)
    assert key.last_used_at == settings.last_call_at
    assert key.last_used_origin == ""


def test_a_browser_call_records_its_origin(tenants: Tenants) -> None:
    site = make_website(tenants.alpha)
    site.allow("https://rentals.example.com")
    site.client(HTTP_ORIGIN="https://rentals.example.com").get(BASE + "items")
    key = WebsiteKey.objects.get(organisation=tenants.alpha, revoked_at__isnull=True)
    assert key.last_used_origin == "https://rentals.example.com"
    assert WebsiteSettings.objects.get(organisation=tenants.alpha).last_call_origin == (
        "https://rentals.example.com"
    )


def test_calls_write_at_most_once_a_minute_per_key(tenants: Tenants) -> None:
    site = make_website(tenants.alpha)
    client = site.client(HTTP_USER_AGENT=AGENT)
    client.get(BASE + "site")
    with CaptureQueriesContext(connection) as queries:
        for path in ("site", "categories", "items", "availability") * 3:
            assert client.get(BASE + path).status_code == 200
    writes = [q for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))]
    assert writes == []


def test_a_malformed_user_agent_changes_nothing_it_would_have_set(tenants: Tenants) -> None:
    site = make_website(tenants.alpha)
    site.settings.plugin_version, site.settings.site_url = "1.0.0", "https://kept.test"
    site.settings.save()
    site.client(HTTP_USER_AGENT="curl/8.0 (\x00\n)").get(BASE + "site")
    settings = WebsiteSettings.objects.get(organisation=tenants.alpha)
    assert (settings.plugin_version, settings.site_url) == ("1.0.0", "https://kept.test")
    assert settings.last_call_at is not None


def test_the_first_call_of_an_organisation_without_settings_creates_them(
    tenants: Tenants,
) -> None:
    site = make_website(tenants.alpha)
    WebsiteSettings.objects.filter(organisation=tenants.alpha).delete()
    assert site.client(HTTP_USER_AGENT=AGENT).get(BASE + "site").status_code == 200
    created = WebsiteSettings.objects.get(organisation=tenants.alpha)
    assert created.plugin_version == "1.2.3"
    assert created.tested_at is not None
    assert created.display_mode == "labels"
