"""The answers' cache: a warm answer costs no SQL, a cold one a fixed number of queries,
and every change that affects an answer shows on the very next request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from operations.models import Booking, EquipmentCategory, EquipmentItem, Repair
from operations.services import check_out_booking, return_booking
from tests.conftest import Tenants
from tests.public_api import BASE, Website, make_website
from wordpress_bridge import public_cache
from wordpress_bridge.models import AllowedOrigin


@pytest.fixture
def site(tenants: Tenants) -> Website:
    site = make_website(tenants.alpha)
    lighting = site.category("Lighting")
    site.item(lighting, "Par can", owned=10)
    site.item(lighting, "Fresnel", owned=4)
    return site


def _par(site: Website) -> EquipmentItem:
    return EquipmentItem.objects.get(organisation=site.organisation, name="Par can")


def _paths(site: Website) -> list[str]:
    return ["site", "categories", "items", f"availability?to={site.day(7)}"]


def test_a_warm_answer_costs_no_sql_at_all(site: Website, django_assert_num_queries: Any) -> None:
    client = site.client(
        HTTP_USER_AGENT="PatchbayAvailability/1.0.0 (WordPress/6.1; https://x.test)"
    )
    for path in _paths(site):
        client.get(BASE + path)  # cold: computes, stores, opens the once-a-minute gates
    for path in _paths(site):
        with django_assert_num_queries(0):
            response = client.get(BASE + path)
        assert response.status_code == 200
        with django_assert_num_queries(0):
            assert client.get(BASE + path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_a_warm_answer_from_an_allowed_origin_costs_no_sql_either(
    site: Website, django_assert_num_queries: Any
) -> None:
    site.allow("https://rentals.example.com")
    client = site.client(HTTP_ORIGIN="https://rentals.example.com")
    client.get(BASE + "items")
    with django_assert_num_queries(0):
        assert client.get(BASE + "items").status_code == 200


def _change(
    site: Website, django_capture_on_commit_callbacks: Any, change: Callable[[], Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        change()


def _availability(site: Website) -> dict[str, Any]:
    response = site.client().get(f"{BASE}availability?to={site.day(3)}")
    assert response.status_code == 200
    return {i["name"]: i.get("available") for i in response.json()["items"]}


def test_a_booking_made_now_shows_on_the_next_request(
    site: Website, django_capture_on_commit_callbacks: Any
) -> None:
    assert _availability(site) == {"Fresnel": 4, "Par can": 10}
    assert _availability(site) == {"Fresnel": 4, "Par can": 10}  # now from the cache
    _change(
        site,
        django_capture_on_commit_callbacks,
        lambda: site.book(_par(site), site.day(1), site.day(2), quantity=3),
    )
    assert _availability(site) == {"Fresnel": 4, "Par can": 7}


def test_check_out_return_edits_and_deletes_of_bookings_show_at_once(
    site: Website, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    booking = Booking.objects.create(
        organisation=site.organisation,
        item=_par(site),
        quantity=2,
        starts_on=site.day(-3),
        ends_on=site.day(1),
    )
    _change(site, capture, lambda: check_out_booking(booking))
    assert _availability(site)["Par can"] == 8
    _change(site, capture, lambda: return_booking(booking))
    assert _availability(site)["Par can"] == 10  # returned early: free from today

    later = site.book(_par(site), site.day(2), site.day(3), quantity=4)
    _availability(site)

    def edit() -> None:
        later.quantity = 5
        later.save()

    _change(site, capture, edit)
    assert _availability(site)["Par can"] == 5
    _change(site, capture, later.delete)
    assert _availability(site)["Par can"] == 10


def test_repairs_show_at_once(site: Website, django_capture_on_commit_callbacks: Any) -> None:
    _availability(site)
    repair: list[Repair] = []
    _change(
        site,
        django_capture_on_commit_callbacks,
        lambda: repair.append(site.repair(_par(site), site.day(0), None, 6)),
    )
    assert _availability(site)["Par can"] == 4
    _change(site, django_capture_on_commit_callbacks, repair[0].delete)
    assert _availability(site)["Par can"] == 10


def test_item_and_category_changes_show_at_once(
    site: Website, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    client = site.client()
    assert client.get(BASE + "categories").json()["data"][0]["name"] == "Lighting"
    par = _par(site)

    def restock() -> None:
        par.stock_quantity = 12
        par.save()

    _change(site, capture, restock)
    assert _availability(site)["Par can"] == 12

    category = EquipmentCategory.objects.get(name="Lighting", organisation=site.organisation)

    def rename() -> None:
        category.name = "Lights"
        category.save()

    _change(site, capture, rename)
    assert client.get(BASE + "categories").json()["data"][0]["name"] == "Lights"

    def make_internal() -> None:
        category.visibility = "internal"
        category.save()

    _change(site, capture, make_internal)
    assert client.get(BASE + "categories").json()["data"] == []
    _change(site, capture, lambda: site.item(site.category("Sound"), "Mixer"))
    assert [i["name"] for i in client.get(BASE + "items").json()["data"]] == ["Mixer"]
    _change(site, capture, lambda: EquipmentItem.objects.filter(name="Mixer").get().delete())
    assert client.get(BASE + "items").json()["data"] == []


def test_website_settings_and_their_lists_show_at_once(
    site: Website, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    client = site.client()
    assert client.get(BASE + "site").json()["display_mode"] == "quantities"
    _change(site, capture, lambda: site.mode("labels"))
    assert client.get(BASE + "site").json()["display_mode"] == "labels"

    par = _par(site)
    assert len(client.get(BASE + "items").json()["data"]) == 2
    _change(site, capture, lambda: site.settings.hidden_items.add(par))
    assert [i["name"] for i in client.get(BASE + "items").json()["data"]] == ["Fresnel"]
    _change(site, capture, lambda: site.settings.hidden_items.remove(par))
    assert len(client.get(BASE + "items").json()["data"]) == 2
    _change(site, capture, site.settings.shown_categories.clear)
    assert client.get(BASE + "items").json()["data"] == []


def test_allowed_domains_and_the_organisation_show_at_once(
    site: Website, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    browser = site.client(HTTP_ORIGIN="https://rentals.example.com")
    assert browser.get(BASE + "site").status_code == 403
    _change(site, capture, lambda: site.allow("https://rentals.example.com"))
    assert browser.get(BASE + "site").status_code == 200
    _change(
        site, capture, lambda: AllowedOrigin.objects.filter(organisation=site.organisation).delete()
    )
    assert browser.get(BASE + "site").status_code == 403

    def rename() -> None:
        site.organisation.name = "Alpha Hire & Sons"
        site.organisation.save()

    _change(site, capture, rename)
    assert site.client().get(BASE + "site").json()["organisation"] == "Alpha Hire & Sons"


def test_another_organisations_change_leaves_this_cache_warm(
    site: Website, tenants: Tenants, django_capture_on_commit_callbacks: Any
) -> None:
    _availability(site)
    before = public_cache.version(site.organisation.pk)
    bravo = make_website(tenants.bravo)
    _change(
        site, django_capture_on_commit_callbacks, lambda: bravo.item(bravo.category("B"), "B item")
    )
    assert public_cache.version(site.organisation.pk) == before


def test_a_rolled_back_change_invalidates_nothing(site: Website) -> None:
    """The bump waits for the commit: the test's transaction never commits."""
    before = public_cache.version(site.organisation.pk)
    site.book(_par(site), site.day(1), site.day(1))
    assert public_cache.version(site.organisation.pk) == before


def _cold_queries(site: Website, path: str) -> int:
    public_cache.bump(site.organisation.pk)
    with CaptureQueriesContext(connection) as queries:
        assert site.client().get(BASE + path).status_code == 200
    return len(queries)


def _grow(site: Website, items: int, bookings_per_item: int) -> None:
    category = EquipmentCategory.objects.get(name="Lighting", organisation=site.organisation)
    made = EquipmentItem.objects.bulk_create(
        EquipmentItem(
            organisation=site.organisation, category=category, name=f"Item {n}", stock_quantity=5
        )
        for n in range(items)
    )
    Booking.objects.bulk_create(
        Booking(
            organisation=site.organisation,
            item=item,
            quantity=1,
            starts_on=site.day(n % 5),
            ends_on=site.day(n % 5 + 2),
        )
        for item in made
        for n in range(bookings_per_item)
    )
    Repair.objects.bulk_create(
        Repair(organisation=site.organisation, item=item, starts_on=site.day(1))
        for item in made[::3]
    )


@pytest.mark.parametrize("mode", ["quantities", "labels", "calendar"])
def test_a_cold_answer_costs_the_same_queries_whatever_the_catalogue_and_bookings(
    site: Website, mode: str
) -> None:
    site.mode(mode)
    client = site.client()
    client.get(BASE + "site")  # the "last used" and "tested" gates are open only once
    lighting = EquipmentCategory.objects.get(name="Lighting").pk
    paths = [*_paths(site), f"availability?to={site.day(30)}&category={lighting}"]
    small = {path: _cold_queries(site, path) for path in paths}
    _grow(site, items=60, bookings_per_item=8)
    large = {path: _cold_queries(site, path) for path in paths}
    assert small == large
    assert max(small.values()) <= 6


def test_with_redis_down_answers_still_come_from_the_database(site: Website, settings: Any) -> None:
    from apikeys import limiting

    closed = "redis://127.0.0.1:9/0"
    settings.REDIS_URL = closed
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": closed}
    }
    limiting._limiter.cache_clear()
    try:
        client = site.client()
        for _ in range(2):
            response = client.get(f"{BASE}availability?to={site.day(3)}")
            assert response.status_code == 200
            assert {i["name"] for i in response.json()["items"]} == {"Par can", "Fresnel"}
            assert "RateLimit" not in response  # the limiter's local fallback says nothing
        assert client.get(BASE + "site").status_code == 200
    finally:
        limiting._limiter.cache_clear()
