"""Browser calls: an allowed Origin gets CORS headers for itself alone, any other a 403.

The cases are the WordPress reference's (§8), sent over HTTP with the website key.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.conftest import Tenants
from tests.public_api import BASE, Website, make_website
from wordpress_bridge.models import WebsiteSettings

EXPOSED = {"ETag", "Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"}


@pytest.fixture
def site(tenants: Tenants) -> Website:
    site = make_website(tenants.alpha)
    site.allow("https://rentals.example.com")
    site.allow("https://*.example.org")
    return site


def _vary(response: object) -> set[str]:
    return {v.strip() for v in response["Vary"].split(",")}  # type: ignore[index]


def test_a_server_side_call_without_origin_is_answered_without_cors_headers(site: Website) -> None:
    response = site.client().get(BASE + "categories")
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    assert "Origin" in _vary(response)


@pytest.mark.parametrize(
    ("origin", "allowed_as"),
    [
        ("https://rentals.example.com", "https://rentals.example.com"),
        ("https://RENTALS.example.com:443", "https://rentals.example.com"),
        ("https://a.example.org", "https://a.example.org"),
        ("https://b.a.example.org", "https://b.a.example.org"),
        ("https://xn--bcher-kva.example.org", "https://xn--bcher-kva.example.org"),
    ],
)
def test_an_allowed_origin_gets_its_own_origin_back(
    site: Website, origin: str, allowed_as: str
) -> None:
    response = site.client(HTTP_ORIGIN=origin).get(BASE + "items")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == allowed_as
    assert "Origin" in _vary(response)
    exposed = {h.strip() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert exposed >= EXPOSED


@pytest.mark.parametrize(
    "origin",
    [
        "http://rentals.example.com",
        "https://rentals.example.com.evil.io",
        "https://evilrentals.example.com",
        "https://rentals.example.com:8443",
        "null",
        "https://example.org",
        "https://evil-example.org",
        "https://rentals.example.com/path",
        "not an origin",
    ],
)
def test_any_other_origin_is_a_403_recorded_for_the_card(site: Website, origin: str) -> None:
    response = site.client(HTTP_ORIGIN=origin).get(BASE + "availability")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"].endswith("origin-not-allowed")
    assert "Allowed domains" in response.json()["detail"]
    assert "Access-Control-Allow-Origin" not in response
    assert "Origin" in _vary(response)
    settings = WebsiteSettings.objects.get(pk=site.settings.pk)
    assert settings.refused_reason == (
        f"origin {origin} not in allowed domains: add it on the WordPress card's page"
    )


def test_an_origin_allowed_for_another_organisation_is_refused_for_this_key(
    site: Website, tenants: Tenants
) -> None:
    other = make_website(tenants.bravo)
    other.allow("https://bravo.example.net")
    response = site.client(HTTP_ORIGIN="https://bravo.example.net").get(BASE + "site")
    assert response.status_code == 403


def test_the_preflight_of_an_allowed_origin_is_answered(site: Website) -> None:
    response = APIClient().options(
        BASE + "availability",
        HTTP_ORIGIN="https://rentals.example.com",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, if-none-match",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "https://rentals.example.com"
    assert response["Access-Control-Allow-Methods"] == "GET, OPTIONS"
    assert response["Access-Control-Allow-Headers"] == "Authorization, If-None-Match"
    assert int(response["Access-Control-Max-Age"]) > 0
    assert "Origin" in _vary(response)


@pytest.mark.parametrize("origin", ["https://evil.example.net", "null", "https://example.org"])
def test_the_preflight_of_an_origin_nobody_allows_is_refused(site: Website, origin: str) -> None:
    response = APIClient().options(
        BASE + "items", HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response
    assert "Origin" in _vary(response)


def test_vary_origin_is_on_every_answer_errors_and_304s_included(site: Website) -> None:
    client = site.client()
    first = client.get(BASE + "site")
    answers = [
        first,
        client.get(BASE + "site", HTTP_IF_NONE_MATCH=first["ETag"]),
        client.get(BASE + "availability?from=2000-01-01"),
        client.get(BASE + "items?category=999999"),
        APIClient().get(BASE + "site"),
        client.post(BASE + "site"),
        client.get(BASE + "no-such-endpoint"),
        client.post(BASE + "no-such-endpoint"),
    ]
    assert [a.status_code for a in answers] == [200, 304, 400, 404, 401, 405, 404, 404]
    assert answers[-1]["Content-Type"] == "application/problem+json"
    assert answers[-1].json()["code"] == "not_found"
    for answer in answers:
        assert "Origin" in _vary(answer)


def test_a_page_on_an_allowed_origin_can_read_why_its_replaced_key_is_refused(
    site: Website, tenants: Tenants
) -> None:
    from apikeys import website_keys

    website_keys.issue(tenants.alpha)
    response = site.client(HTTP_ORIGIN="https://rentals.example.com").get(BASE + "site")
    assert response.status_code == 401
    assert response["Access-Control-Allow-Origin"] == "https://rentals.example.com"


@pytest.mark.parametrize(
    "origin",
    [
        "https://[::1",
        "https://rentals.example.com\r\nX-Injected: 1",
        "https://" + "a" * 400 + ".example.com",
        "https://rentals.example.com:99999",
        "https://user@rentals.example.com",
        "https://*.example.org",
        "https://\udc80.example.org",
        "ftp://rentals.example.com",
    ],
)
def test_a_hostile_origin_is_a_403_never_a_500(site: Website, origin: str) -> None:
    for response in (
        site.client(HTTP_ORIGIN=origin).get(BASE + "site"),
        APIClient().options(BASE + "site", HTTP_ORIGIN=origin),
    ):
        assert response.status_code == 403
        assert "Access-Control-Allow-Origin" not in response


def test_an_idn_origin_is_matched_in_its_ascii_form(site: Website) -> None:
    response = site.client(HTTP_ORIGIN="https://bücher.example.org").get(BASE + "site")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "https://xn--bcher-kva.example.org"
