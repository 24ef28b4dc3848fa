"""Allowed domains: what an owner types is normalised through wordpress_bridge.origins;
a bad entry is a clear error that keeps what was typed; the reference's cases (§8 of
wordpress-plugin.md) all hold."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import Tenants, client_for
from wordpress_bridge.models import AllowedOrigin
from wordpress_bridge.origins import (
    InvalidOrigin,
    normalise_entry,
    normalise_request_origin,
    origin_allowed,
)

ADD = reverse("wordpress_bridge:add_origin")
SETTINGS = reverse("wordpress_bridge:settings")


def _allowed(request_origin: str, entry: str) -> bool:
    origin = normalise_request_origin(request_origin)
    return origin is not None and origin_allowed(origin, [normalise_entry(entry)])


@pytest.mark.parametrize(
    ("request_origin", "allowed"),
    [
        ("https://rentals.example.com", True),
        ("https://RENTALS.example.com:443", True),
        ("http://rentals.example.com", False),
        ("https://rentals.example.com.evil.io", False),
        ("https://evilrentals.example.com", False),
        ("https://rentals.example.com:8443", False),
        ("null", False),
    ],
)
def test_the_references_cases_for_one_exact_origin(request_origin: str, allowed: bool) -> None:
    assert _allowed(request_origin, "https://rentals.example.com") is allowed


@pytest.mark.parametrize(
    ("request_origin", "allowed"),
    [
        ("https://a.example.org", True),
        ("https://b.a.example.org", True),
        ("https://bücher.example.org", True),
        ("https://xn--bcher-kva.example.org", True),
        ("https://example.org", False),
        ("https://evil-example.org", False),
    ],
)
def test_the_references_cases_for_a_wildcard(request_origin: str, allowed: bool) -> None:
    assert _allowed(request_origin, "https://*.example.org") is allowed


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("https://Rentals.Example.com", "https://rentals.example.com"),
        ("https://rentals.example.com:443/", "https://rentals.example.com"),
        ("rentals.example.com", "https://rentals.example.com"),
        ("http://rentals.example.com:8080", "http://rentals.example.com:8080"),
        ("https://bücher.example.de", "https://xn--bcher-kva.example.de"),
        ("*.example.org", "https://*.example.org"),
        ("https://rentals.example.com.", "https://rentals.example.com"),
    ],
)
def test_an_entry_is_stored_normalised(tenants: Tenants, typed: str, stored: str) -> None:
    response = client_for(tenants.owner).post(ADD, {"origin": typed})
    assert response.status_code == 302
    assert list(AllowedOrigin.objects.values_list("origin", flat=True)) == [stored]


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("ftp://rentals.example.com", "Only http:// and https:// origins can be allowed."),
        ("https://rentals.example.com/shop", "An origin has no path"),
        ("https://user@rentals.example.com", "no user name or password"),
        ("https://rentals.example.com:99999", "The port must be a number from 1 to 65535."),
        ("https://ex*ample.com", "a wildcard only as *.example.com"),
        ("https://*", "Give a full host name"),
        ("null", "An origin looks like https://www.example.com."),
        ("https://[::1", "That is not a web address: check the brackets and port."),
    ],
)
def test_a_bad_entry_is_a_clear_error_that_keeps_what_was_typed(
    tenants: Tenants, typed: str, error: str
) -> None:
    with pytest.raises(InvalidOrigin):
        normalise_entry(typed)
    response = client_for(tenants.owner).post(ADD, {"origin": typed})
    body = response.content.decode()
    assert response.status_code == 400
    assert error in body
    assert f'value="{typed}"' in body
    assert not AllowedOrigin.objects.exists()


@pytest.mark.parametrize("header", ["https://[::1", "https://[zz]", "null", "", "https://"])
def test_a_malformed_origin_header_is_no_origin_rather_than_an_error(header: str) -> None:
    assert normalise_request_origin(header) is None


def test_an_origin_already_allowed_is_said_so(tenants: Tenants) -> None:
    AllowedOrigin.objects.create(organisation=tenants.alpha, origin="https://a.example.com")
    response = client_for(tenants.owner).post(ADD, {"origin": "https://A.example.com"})
    assert response.status_code == 400
    assert "https://a.example.com is already allowed." in response.content.decode()
    assert AllowedOrigin.objects.count() == 1


def test_the_same_origin_may_be_allowed_by_two_organisations(tenants: Tenants) -> None:
    AllowedOrigin.objects.create(organisation=tenants.bravo, origin="https://a.example.com")
    response = client_for(tenants.owner).post(ADD, {"origin": "https://a.example.com"})
    assert response.status_code == 302
    assert AllowedOrigin.objects.filter(organisation=tenants.alpha).count() == 1


def test_adding_lists_the_domain_and_says_what_it_does(tenants: Tenants) -> None:
    client = client_for(tenants.owner)
    page = client.post(ADD, {"origin": "www.example.com"}, follow=True).content.decode()
    assert "https://www.example.com added to the allowed domains" in page
    assert "need no entry" in page
    assert "<code>https://www.example.com</code>" in page


def test_removing_asks_first_then_removes(tenants: Tenants) -> None:
    origin = AllowedOrigin.objects.create(
        organisation=tenants.alpha, origin="https://a.example.com"
    )
    url = reverse("wordpress_bridge:remove_origin", kwargs={"pk": origin.pk})
    client = client_for(tenants.manager)
    confirmation = client.get(url).content.decode()
    assert "Remove domain" in confirmation
    assert AllowedOrigin.objects.exists()
    page = client.post(url, follow=True).content.decode()
    assert "https://a.example.com removed from the allowed domains" in page
    assert not AllowedOrigin.objects.exists()


def test_another_organisations_domain_cannot_be_seen_or_removed(tenants: Tenants) -> None:
    theirs = AllowedOrigin.objects.create(
        organisation=tenants.bravo, origin="https://bravo.example.com"
    )
    url = reverse("wordpress_bridge:remove_origin", kwargs={"pk": theirs.pk})
    client = client_for(tenants.owner)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert AllowedOrigin.objects.filter(pk=theirs.pk).exists()
    assert "bravo.example.com" not in client.get(SETTINGS).content.decode()
