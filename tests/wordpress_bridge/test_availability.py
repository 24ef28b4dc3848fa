"""Free on a day: owned - booked - out for repair, with returns early, late and overdue."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from operations.models import EquipmentItem
from tests.conftest import Tenants
from tests.public_api import Website, make_website
from wordpress_bridge import availability
from wordpress_bridge.availability import Range, day_state


@pytest.fixture
def site(tenants: Tenants) -> Website:
    return make_website(tenants.alpha)


@pytest.fixture
def item(site: Website) -> EquipmentItem:
    return site.item(site.category("Lighting"), "Par can", owned=10)


def _free(site: Website, item: EquipmentItem, last: int = 6) -> list[int]:
    span = Range(site.day(0), site.day(last))
    changes = availability.steps(
        site.organisation.pk, [item.pk], span, site.today, site.organisation.timezone
    ).get(item.pk, {})
    return availability.free_by_day(item.stock_quantity, changes, span)


def _at(site: Website, offset: int, hour: int = 10) -> datetime:
    return datetime.combine(site.day(offset), time(hour), ZoneInfo(site.organisation.timezone))


def test_bookings_and_repairs_are_taken_off_what_is_owned(site: Website, item: Any) -> None:
    site.book(item, site.day(1), site.day(2), quantity=3)
    site.book(item, site.day(2), site.day(4), quantity=2)
    site.repair(item, site.day(3), site.day(3), quantity=1)
    assert _free(site, item) == [10, 7, 5, 7, 8, 10, 10]


def test_never_below_zero(site: Website, item: Any) -> None:
    site.book(item, site.day(0), site.day(1), quantity=8)
    site.repair(item, site.day(1), site.day(1), quantity=5)
    assert _free(site, item, last=2) == [2, 0, 10]


def test_a_repair_without_an_end_keeps_its_units_out(site: Website, item: Any) -> None:
    site.repair(item, site.day(-30), None, quantity=4)
    assert _free(site, item, last=2) == [6, 6, 6]


def test_a_booking_returned_early_frees_its_remaining_days(site: Website, item: Any) -> None:
    site.book(
        item,
        site.day(-2),
        site.day(3),
        quantity=4,
        checked_out_at=_at(site, -2),
        returned_at=_at(site, 0, hour=0),
    )
    assert _free(site, item, last=4) == [10, 10, 10, 10, 10]


def test_a_checked_out_booking_not_yet_due_holds_to_its_end(site: Website, item: Any) -> None:
    site.book(item, site.day(-2), site.day(2), quantity=4, checked_out_at=_at(site, -2))
    assert _free(site, item, last=4) == [6, 6, 6, 10, 10]


def test_an_overdue_booking_holds_its_units_until_returned(site: Website, item: Any) -> None:
    site.book(item, site.day(-5), site.day(-1), quantity=3, checked_out_at=_at(site, -5))
    assert _free(site, item, last=3) == [7, 7, 7, 7]


def test_a_past_booking_never_checked_out_holds_nothing(site: Website, item: Any) -> None:
    site.book(item, site.day(-5), site.day(-1), quantity=3)
    assert _free(site, item, last=1) == [10, 10]


def test_a_late_return_frees_the_units_from_the_day_it_came_back(site: Website, item: Any) -> None:
    site.book(
        item,
        site.day(-5),
        site.day(-2),
        quantity=3,
        checked_out_at=_at(site, -5),
        returned_at=_at(site, 0, hour=9),
    )
    assert _free(site, item, last=1) == [10, 10]


def test_the_return_day_is_read_in_the_organisations_time_zone(site: Website, item: Any) -> None:
    site.organisation.timezone = "Pacific/Auckland"
    site.organisation.save()
    # 00:30 tomorrow in Auckland is still today in UTC: the gear is back tomorrow.
    returned = datetime.combine(site.day(1), time(0, 30), ZoneInfo("Pacific/Auckland"))
    site.book(
        item,
        site.day(0),
        site.day(4),
        quantity=2,
        checked_out_at=returned - timedelta(days=1),
        returned_at=returned,
    )
    assert _free(site, item, last=2) == [8, 10, 10]


def test_other_items_and_organisations_do_not_count(
    site: Website, item: Any, tenants: Tenants
) -> None:
    other = site.item(site.category("Sound"), "Mixer")
    site.book(other, site.day(0), site.day(1), quantity=1)
    bravo = make_website(tenants.bravo)
    theirs = bravo.item(bravo.category("B"), "B")
    bravo.book(theirs, site.day(0), site.day(1), quantity=5)
    assert _free(site, item, last=1) == [10, 10]


@pytest.mark.parametrize(
    ("free", "owned", "state"),
    [
        (0, 10, "unavailable"),
        (0, 0, "unavailable"),
        (1, 1, "available"),
        (1, 2, "limited"),  # exactly one left when more than one is owned
        (2, 2, "available"),
        (1, 3, "limited"),
        (2, 3, "available"),
        (4, 10, "limited"),  # fewer than half
        (5, 10, "available"),  # half is not fewer than half
        (10, 10, "available"),
    ],
)
def test_the_limited_rule(free: int, owned: int, state: str) -> None:
    assert day_state(free, owned) == state


def test_the_fewest_free_over_a_range_matches_the_day_by_day_sweep(
    site: Website, item: Any
) -> None:
    for first, last, quantity in [(1, 3, 2), (2, 2, 5), (4, 9, 1), (3, 5, 2)]:
        site.book(item, site.day(first), site.day(last), quantity=quantity)
    span = Range(site.day(0), site.day(10))
    changes = availability.steps(
        site.organisation.pk, [item.pk], span, site.today, site.organisation.timezone
    )[item.pk]
    for last in range(11):
        part = Range(site.day(0), site.day(last))
        assert availability.fewest_free(10, changes, part) == min(
            availability.free_by_day(10, changes, part)
        )


def test_the_python_sum_for_other_databases_matches_postgresqls(site: Website) -> None:
    """make run keeps its data in SQLite: its path must give PostgreSQL's answer."""
    import random

    rng = random.Random(15)  # noqa: S311 -- repeatable test data
    items = [site.item(site.category(f"C{n}"), f"I{n}", owned=20) for n in range(4)]
    for _ in range(150):
        first = site.day(rng.randint(-20, 40))
        last = first + timedelta(days=rng.randint(0, 8))
        extra: dict[str, Any] = {}
        if first < site.today and rng.random() < 0.8:
            extra["checked_out_at"] = _at(site, (first - site.today).days)
            if rng.random() < 0.7:
                back = rng.randint((first - site.today).days, 0)
                extra["returned_at"] = _at(site, back, hour=rng.choice([0, 9, 23]))
        site.book(rng.choice(items), first, last, quantity=rng.randint(1, 3), **extra)
    for _ in range(20):
        start = site.day(rng.randint(-20, 30))
        end = None if rng.random() < 0.3 else start + timedelta(days=rng.randint(0, 5))
        site.repair(rng.choice(items), start, end, quantity=1)
    ids = [i.pk for i in items]
    org, zone = site.organisation.pk, site.organisation.timezone
    for from_offset, to_offset in [(0, 0), (0, 6), (3, 45), (0, 365)]:
        span = Range(site.day(from_offset), site.day(to_offset))
        in_sql = availability.steps(org, ids, span, site.today, zone)
        in_python = availability.steps_in_python(org, ids, span, site.today, zone)
        for item in ids:
            assert availability.free_by_day(20, in_sql.get(item, {}), span) == (
                availability.free_by_day(20, in_python.get(item, {}), span)
            )
