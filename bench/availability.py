"""The public availability API under a real catalogue: warm and cold answers, query
counts at two catalogue sizes, and how soon a booking shows (bench_availability.py).

Requests go through Django's whole stack in this process (the test client: every
middleware, the website key, both rate-limit partitions in Redis, the answer cache
in Redis), against PostgreSQL; no network hop. The request is what the plugin sends
for a listing: a month of availability for every visible item of one category, and
(reported apart) for the whole catalogue at once.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bench.apiaccess import percentile

CATEGORIES = 20
DAYS = 30  # the range asked for: a month, as a calendar view shows


@dataclass(frozen=True)
class Scale:
    items: int = 2_000
    bookings: int = 50_000
    small_items: int = 200
    small_bookings: int = 5_000
    warm_requests: int = 2_000
    cold_samples: int = 40
    invalidation_samples: int = 20


@dataclass
class Catalogue:
    organisation: Any
    secret: str
    category_ids: list[int]
    item_ids: list[int]
    today: date


def seed(name: str, items: int, bookings: int, seed_value: int = 15) -> Catalogue:
    """An organisation whose website shows every category, with bookings and repairs."""
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from apikeys import website_keys
    from operations.models import Booking, EquipmentCategory, EquipmentItem, Repair
    from tenancy.models import Organisation
    from wordpress_bridge.models import WebsiteSettings

    rng = random.Random(seed_value)  # noqa: S311 -- repeatable test data, not secrets
    organisation = Organisation.objects.create(name=name, slug=name.lower().replace(" ", "-"))
    today = timezone.localdate(timezone=ZoneInfo(organisation.timezone))
    categories = EquipmentCategory.objects.bulk_create(
        EquipmentCategory(organisation=organisation, name=f"Category {n:02}")
        for n in range(CATEGORIES)
    )
    made = EquipmentItem.objects.bulk_create(
        EquipmentItem(
            organisation=organisation,
            category=categories[n % CATEGORIES],
            name=f"Item {n:05}",
            stock_quantity=rng.randint(1, 40),
        )
        for n in range(items)
    )
    Booking.objects.bulk_create(
        _booking(organisation, rng.choice(made), today, rng) for _ in range(bookings)
    )
    Repair.objects.bulk_create(
        Repair(organisation=organisation, item=item, starts_on=today, ends_on=None)
        for item in made[:: max(1, items // 50)]
    )
    site = WebsiteSettings.objects.create(organisation=organisation, display_mode="quantities")
    site.shown_categories.set(categories)
    _, secret = website_keys.issue(organisation)
    return Catalogue(organisation, secret, [c.pk for c in categories], [i.pk for i in made], today)


def _booking(organisation: Any, item: Any, today: date, rng: random.Random) -> Any:
    """Bookings over the past two months and the coming year, a few days each; the past
    ones were checked out and returned (some early), a few are overdue."""
    from datetime import UTC, datetime

    from operations.models import Booking

    first = today + timedelta(days=rng.randint(-60, 365))
    last = first + timedelta(days=rng.randint(0, 6))
    booking = Booking(
        organisation=organisation,
        item=item,
        quantity=rng.randint(1, 3),
        starts_on=first,
        ends_on=last,
    )
    if first < today:
        booking.checked_out_at = datetime.combine(first, datetime.min.time(), UTC)
        if rng.random() > 0.02:  # 2% of past bookings are still out
            back = min(last, today - timedelta(days=1))
            booking.returned_at = datetime.combine(back, datetime.min.time(), UTC)
    return booking


def _client(catalogue: Catalogue) -> Any:
    from django.test import Client

    return Client(HTTP_AUTHORIZATION=f"Bearer {catalogue.secret}")


def _listing(catalogue: Catalogue, category: int | None = None) -> str:
    last = catalogue.today + timedelta(days=DAYS - 1)
    url = f"/api/public/v1/availability?from={catalogue.today}&to={last}"
    return f"{url}&category={category}" if category else url


def _timed(client: Any, url: str) -> tuple[float, Any]:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code} {response.content[:300]!r}")
    return elapsed, response


def warm(catalogue: Catalogue, url: str, requests: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(catalogue)
    for _ in range(20):
        _timed(client, url)  # fills the cache, opens the once-a-minute gates
    latencies: list[float] = []
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        for _ in range(requests):
            latencies.append(_timed(client, url)[0])
        wall = time.perf_counter() - started
    return {
        "warm_rps": round(requests / wall, 1),
        "warm_p50_ms": round(percentile(latencies, 0.5), 3),
        "warm_p99_ms": round(percentile(latencies, 0.99), 3),
        "warm_sql_queries": len(queries),
    }


def cold(catalogue: Catalogue, url: str, samples: int) -> dict[str, Any]:
    """Each sample after a version bump: the answer is computed afresh."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wordpress_bridge import public_cache

    client = _client(catalogue)
    _timed(client, url)
    latencies, counts = [], set()
    for _ in range(samples):
        public_cache.bump(catalogue.organisation.pk)
        with CaptureQueriesContext(connection) as queries:
            latencies.append(_timed(client, url)[0])
        counts.add(len(queries))
    return {
        "p50_ms": round(percentile(latencies, 0.5), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "queries": sorted(counts),
    }


def invalidation(catalogue: Catalogue, samples: int) -> list[float]:
    """A booking saved (committed) -> the next answer shows it, in milliseconds."""
    from django.db import transaction

    from operations.models import Booking, EquipmentItem

    client = _client(catalogue)
    category = catalogue.category_ids[0]
    url = _listing(catalogue, category)
    items = list(EquipmentItem.objects.filter(category_id=category).order_by("pk")[:samples])
    spans: list[float] = []
    for item in items:
        before = _available(_timed(client, url)[1], item.pk)
        _timed(client, url)  # warm
        started = time.perf_counter()
        with transaction.atomic():
            Booking.objects.create(
                organisation=catalogue.organisation,
                item=item,
                quantity=1,
                starts_on=catalogue.today,
                ends_on=catalogue.today + timedelta(days=DAYS - 1),
            )
        after = _available(_timed(client, url)[1], item.pk)
        spans.append((time.perf_counter() - started) * 1000)
        if before > 0 and after != before - 1:
            raise RuntimeError(f"Item {item.pk}: {before} free before the booking, {after} after.")
    return spans


def _available(response: Any, item_id: int) -> int:
    for entry in json.loads(response.content)["items"]:
        if entry["id"] == item_id:
            return int(entry["available"])
    raise LookupError(item_id)


def measure(scale: Scale) -> dict[str, Any]:
    """Every figure; Django set up on a migrated database, Redis at REDIS_URL."""
    from django.test.utils import override_settings

    unlimited = {"minute": (10**9, 60), "hour": (10**10, 3600)}
    with override_settings(WEBSITE_RATE_LIMITS=unlimited, WEBSITE_IP_RATE_LIMITS=unlimited):
        large = seed("Bench Large Hire", scale.items, scale.bookings)
        small = seed("Bench Small Hire", scale.small_items, scale.small_bookings, seed_value=16)
        listing = _listing(large, large.category_ids[0])
        warm_figures = warm(large, listing, scale.warm_requests)
        cold_large = cold(large, listing, scale.cold_samples)
        cold_whole = cold(large, _listing(large), max(5, scale.cold_samples // 4))
        cold_small = cold(small, _listing(small, small.category_ids[0]), scale.cold_samples)
        spans = invalidation(large, scale.invalidation_samples)
    return {
        "items": scale.items,
        "bookings": scale.bookings,
        "request": f"availability: 1 category ({scale.items // CATEGORIES} items), {DAYS} days",
        **warm_figures,
        "cold_p50_ms": cold_large["p50_ms"],
        "cold_p99_ms": cold_large["p99_ms"],
        "whole_catalogue_cold_p99_ms": cold_whole["p99_ms"],
        "queries_per_cold_request": {
            f"{scale.items} items, {scale.bookings} bookings": cold_large["queries"],
            f"{scale.items} items, {scale.bookings} bookings, whole catalogue": cold_whole[
                "queries"
            ],
            f"{scale.small_items} items, {scale.small_bookings} bookings": cold_small["queries"],
        },
        "invalidation_ms": round(statistics.median(spans), 2),
        "invalidation_max_ms": round(max(spans), 2),
        "invalidation_samples": len(spans),
    }
