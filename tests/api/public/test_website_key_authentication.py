"""The website key on the public API: Bearer pbpk_ only, refused the moment it is replaced."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apikeys import tokens, website_keys
from tests.api.helpers import api, make_key
from tests.conftest import Tenants
from tests.public_api import BASE, make_website
from wordpress_bridge.models import WebsiteSettings


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].endswith(code.replace("_", "-"))
    return body


def test_a_call_without_a_key_is_a_401_saying_how_to_send_it(tenants: Tenants) -> None:
    body = _problem(APIClient().get(BASE + "site"), 401, "missing_website_key")
    assert "Authorization: Bearer pbpk_" in body["detail"]


def test_a_malformed_or_made_up_key_is_refused_before_any_query(tenants: Tenants) -> None:
    for presented in ("pbpk_nope", "pbpk_" + "A" * 36, "x" * 400, "Bearer"):
        with CaptureQueriesContext(connection) as queries:
            response = api(presented).get(BASE + "site")
        _problem(response, 401, "invalid_website_key")
        assert len(queries) == 0


def test_a_well_formed_unknown_key_costs_one_lookup_and_is_refused(tenants: Tenants) -> None:
    with CaptureQueriesContext(connection) as queries:
        response = api(tokens.generate(tokens.WEBSITE_PREFIX)).get(BASE + "site")
    _problem(response, 401, "invalid_website_key")
    assert len(queries) == 1


def test_a_rest_api_key_is_refused_here_and_says_which_key_to_use(tenants: Tenants) -> None:
    _, rest_secret = make_key(tenants.alpha)
    body = _problem(api(rest_secret).get(BASE + "items"), 401, "wrong_key_type")
    assert "pbpk_" in body["detail"]


def test_a_website_key_is_refused_on_the_rest_api(tenants: Tenants) -> None:
    site = make_website(tenants.alpha)
    response = api(site.secret).get("/api/v1/customers/")
    assert response.status_code == 401
    assert response.json()["type"].endswith("invalid-api-key")


def test_a_key_in_the_query_string_is_refused_even_with_a_good_header(tenants: Tenants) -> None:
    site = make_website(tenants.alpha)
    for query in (f"key={site.secret}", f"api_key={site.secret}", f"x={site.secret}", "token=1"):
        body = _problem(site.client().get(f"{BASE}site?{query}"), 400, "key_in_query_string")
        assert "Authorization header" in body["detail"]
        assert site.secret not in body["detail"]


def test_the_scope_is_read_only_every_write_method_is_a_405(tenants: Tenants) -> None:
    site = make_website(tenants.alpha)
    client = site.client()
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(BASE + "availability", {}, format="json")
        _problem(response, 405, "method_not_allowed")
        assert "POST" not in response["Allow"]


def test_a_replaced_key_is_refused_on_its_next_call_after_a_warm_cache(
    tenants: Tenants, django_capture_on_commit_callbacks: Any
) -> None:
    site = make_website(tenants.alpha)
    old = site.client()
    assert old.get(BASE + "site").status_code == 200
    assert old.get(BASE + "site").status_code == 200  # key lookup and answer both cached

    with django_capture_on_commit_callbacks(execute=True):
        _, new_secret = website_keys.issue(tenants.alpha)

    body = _problem(old.get(BASE + "site"), 401, "website_key_replaced")
    assert "WordPress > Settings > Patchbay" in body["detail"]
    assert "replaced" in body["detail"]
    assert api(new_secret).get(BASE + "site").status_code == 200
    refused = WebsiteSettings.objects.get(organisation=tenants.alpha)
    assert refused.refused_at is not None
    assert "replaced website key" in refused.refused_reason


def test_a_replaced_key_is_refused_even_before_the_regeneration_commits(
    tenants: Tenants,
) -> None:
    """issue() drops the cached lookup at once, not only on commit."""
    site = make_website(tenants.alpha)
    old = site.client()
    assert old.get(BASE + "categories").status_code == 200
    website_keys.issue(tenants.alpha)  # the test's transaction never commits
    _problem(old.get(BASE + "categories"), 401, "website_key_replaced")


def test_refusals_of_a_replaced_key_are_written_at_most_once_a_minute(
    tenants: Tenants, django_capture_on_commit_callbacks: Any
) -> None:
    site = make_website(tenants.alpha)
    with django_capture_on_commit_callbacks(execute=True):
        website_keys.issue(tenants.alpha)
    old = site.client()
    old.get(BASE + "site")
    first = WebsiteSettings.objects.get(organisation=tenants.alpha).refused_at
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            _problem(old.get(BASE + "site"), 401, "website_key_replaced")
    assert WebsiteSettings.objects.get(organisation=tenants.alpha).refused_at == first
    assert not [q for q in queries if q["sql"].startswith("UPDATE")]


def test_a_key_of_a_deleted_organisation_is_refused_even_from_the_cache(
    tenants: Tenants, django_capture_on_commit_callbacks: Any
) -> None:
    from tests import factories

    organisation = factories.make_organisation("Gone Hire")
    site = make_website(organisation)
    client = site.client(HTTP_ORIGIN="https://gone.example.com")
    assert site.client().get(BASE + "site").status_code == 200  # the key's lookup is cached
    with django_capture_on_commit_callbacks(execute=True):
        organisation.delete()
    _problem(site.client().get(BASE + "site"), 401, "invalid_website_key")
    _problem(client.get(BASE + "site"), 401, "invalid_website_key")
