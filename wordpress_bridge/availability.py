"""What the website may show, and how much of it is free on each day.

Visible: an item whose category is among the website's shown categories and is not
internal, and which is not hidden on its own. Nothing else is ever read here.

Free on a day = owned (``stock_quantity``) - booked that day - out for repair that
day, never below 0. A booking holds its units:

- from ``starts_on`` to ``ends_on``, inclusive, while it is not returned;
- once returned (``returned_at`` set), only up to the day before the return (in the
  organisation's time zone): a booking returned early frees its remaining days;
- when checked out, not returned and past its ``ends_on`` (overdue), on every day
  from ``starts_on`` on, until someone records the return: nobody knows when the
  gear will be back, so it is not offered.

A repair holds its units from ``starts_on`` to ``ends_on``, or with no end while
``ends_on`` is blank.

Per day, a state: ``unavailable`` when nothing is free; ``limited`` when something
is free but fewer than half of what is owned, or exactly one when more than one is
owned; ``available`` otherwise (an item owned once and free is ``available``).

The cost does not grow with the catalogue or the bookings: one query for the
settings, one for the visible items, one that sums every overlapping booking and
repair into per-item, per-day steps in SQL (so 50,000 bookings become at most two
rows per item and day of change), and a sweep over those steps in Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Q, QuerySet

from operations.models import Booking, EquipmentCategory, EquipmentItem, Repair
from wordpress_bridge.models import WebsiteSettings

DisplayMode = WebsiteSettings.DisplayMode
AVAILABLE, LIMITED, UNAVAILABLE = "available", "limited", "unavailable"

# Per item and day of change: +units when holds start, -units the day after they end.
# A hold with no last day (an overdue booking, an open repair) never ends in the range.
STEPS_SQL = """
WITH holds AS (
    SELECT b.item_id, b.starts_on AS first_day,
        CASE
            WHEN b.returned_at IS NOT NULL
                THEN LEAST(b.ends_on, (b.returned_at AT TIME ZONE %(tz)s)::date - 1)
            WHEN b.checked_out_at IS NOT NULL AND b.ends_on < %(today)s THEN NULL
            ELSE b.ends_on
        END AS last_day,
        b.quantity
    FROM operations_booking b
    WHERE b.organisation_id = %(org)s AND b.item_id = ANY(%(items)s) AND b.starts_on <= %(to)s
        AND (b.ends_on >= %(from)s OR (b.checked_out_at IS NOT NULL AND b.returned_at IS NULL))
    UNION ALL
    SELECT r.item_id, r.starts_on, r.ends_on, r.quantity
    FROM operations_repair r
    WHERE r.organisation_id = %(org)s AND r.item_id = ANY(%(items)s) AND r.starts_on <= %(to)s
        AND (r.ends_on IS NULL OR r.ends_on >= %(from)s)
),
live AS (
    SELECT item_id, GREATEST(first_day, %(from)s) AS first_day, last_day, quantity FROM holds
    WHERE last_day IS NULL OR (last_day >= %(from)s AND last_day >= first_day)
)
SELECT item_id, first_day, SUM(quantity) FROM live GROUP BY 1, 2
UNION ALL
SELECT item_id, last_day + 1, -SUM(quantity) FROM live
WHERE last_day IS NOT NULL AND last_day < %(to)s GROUP BY 1, 2
"""


@dataclass(frozen=True)
class Range:
    first: date
    last: date

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def display_mode(organisation_id: int) -> str:
    found = (
        WebsiteSettings.objects.filter(organisation_id=organisation_id)
        .values_list("display_mode", flat=True)
        .first()
    )
    return found or DisplayMode.LABELS


def visible_categories(organisation_id: int) -> QuerySet[EquipmentCategory]:
    shown = WebsiteSettings.shown_categories.through.objects.filter(
        websitesettings__organisation_id=organisation_id
    ).values("equipmentcategory_id")
    return EquipmentCategory.objects.filter(
        organisation_id=organisation_id,
        visibility=EquipmentCategory.Visibility.PUBLIC,
        pk__in=shown,
    )


def hidden_item_ids(organisation_id: int) -> QuerySet[Any]:
    """The items hidden on their own, as a subquery."""
    return WebsiteSettings.hidden_items.through.objects.filter(
        websitesettings__organisation_id=organisation_id
    ).values("equipmentitem_id")


def visible_items(organisation_id: int) -> QuerySet[EquipmentItem]:
    hidden = hidden_item_ids(organisation_id)
    return (
        EquipmentItem.objects.filter(
            organisation_id=organisation_id, category__in=visible_categories(organisation_id)
        )
        .exclude(pk__in=hidden)
        .select_related("category")
        .order_by("category__name", "category_id", "name", "pk")
    )


def steps(
    organisation_id: int, item_ids: list[int], span: Range, today: date, time_zone: str
) -> dict[int, dict[date, int]]:
    """Per item: day -> change in units held that day (one query, whatever the counts).

    PostgreSQL sums the holds in SQL. Other databases (SQLite, ``make run``'s default)
    get the same steps from two plain queries and a sum in Python.
    """
    if not item_ids:
        return defaultdict(dict)
    if connection.vendor != "postgresql":
        return steps_in_python(organisation_id, item_ids, span, today, time_zone)
    found: dict[int, dict[date, int]] = defaultdict(dict)
    params: dict[str, Any] = {
        "org": organisation_id,
        "items": item_ids,
        "from": span.first,
        "to": span.last,
        "today": today,
        "tz": time_zone,
    }
    with connection.cursor() as cursor:
        cursor.execute(STEPS_SQL, params)
        for item_id, day, change in cursor.fetchall():
            days = found[item_id]
            days[day] = days.get(day, 0) + int(change)
    return found


def booking_last_day(
    ends_on: date,
    checked_out_at: datetime | None,
    returned_at: datetime | None,
    today: date,
    zone: ZoneInfo,
) -> date | None:
    """The last day a booking holds its units (None: until returned), as STEPS_SQL says."""
    if returned_at is not None:
        return min(ends_on, returned_at.astimezone(zone).date() - timedelta(days=1))
    if checked_out_at is not None and ends_on < today:
        return None  # overdue
    return ends_on


def steps_in_python(
    organisation_id: int, item_ids: list[int], span: Range, today: date, time_zone: str
) -> dict[int, dict[date, int]]:
    """STEPS_SQL's answer from two queries (bookings, repairs) summed in Python."""
    zone = ZoneInfo(time_zone)
    bookings = (
        Booking.objects.filter(
            organisation_id=organisation_id, item_id__in=item_ids, starts_on__lte=span.last
        )
        .filter(
            Q(ends_on__gte=span.first) | Q(checked_out_at__isnull=False, returned_at__isnull=True)
        )
        .values_list("item_id", "starts_on", "ends_on", "checked_out_at", "returned_at", "quantity")
    )
    repairs = (
        Repair.objects.filter(
            organisation_id=organisation_id, item_id__in=item_ids, starts_on__lte=span.last
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=span.first))
        .values_list("item_id", "starts_on", "ends_on", "quantity")
    )
    holds = [
        (item, first, booking_last_day(last, out, back, today, zone), units)
        for item, first, last, out, back, units in bookings
    ]
    holds += list(repairs)
    found: dict[int, dict[date, int]] = defaultdict(dict)
    for item, first, last, units in holds:
        if last is not None and (last < span.first or last < first):
            continue
        days = found[item]
        start = max(first, span.first)
        days[start] = days.get(start, 0) + units
        if last is not None and last < span.last:
            after = last + timedelta(days=1)
            days[after] = days.get(after, 0) - units
    return found


def free_by_day(owned: int, changes: dict[date, int], span: Range) -> list[int]:
    """Units free on each day of ``span``."""
    held, free = 0, []
    for day in span.days:
        held += changes.get(day, 0)
        free.append(max(0, owned - held))
    return free


def fewest_free(owned: int, changes: dict[date, int], span: Range) -> int:
    """The fewest units free on any day of ``span``, from the days of change alone."""
    held, most_held = 0, 0
    for day in sorted(changes):
        if day > span.last:
            break
        held += changes[day]
        most_held = max(most_held, held)
    return max(0, owned - most_held)


def day_state(free: int, owned: int) -> str:
    if free <= 0:
        return UNAVAILABLE
    if 2 * free < owned or (free == 1 and owned > 1):
        return LIMITED
    return AVAILABLE


def mode_fields(mode: str, owned: int, changes: dict[date, int], span: Range) -> dict[str, Any]:
    """The fields of one item in ``mode``, and no other mode's."""
    if mode == DisplayMode.QUANTITIES:
        return {"available": fewest_free(owned, changes, span), "owned": owned}
    if mode == DisplayMode.CALENDAR:
        free = free_by_day(owned, changes, span)
        return {
            "days": [
                {"date": day.isoformat(), "state": day_state(units, owned)}
                for day, units in zip(span.days, free, strict=True)
            ]
        }
    in_stock = fewest_free(owned, changes, span) > 0
    return {"in_stock": in_stock, "label": "In stock" if in_stock else "Out of stock"}


def item_availability(
    mode: str, items: list[EquipmentItem], span: Range, today: date, time_zone: str
) -> list[dict[str, Any]]:
    if not items:
        return []
    changes = steps(items[0].organisation_id, [i.pk for i in items], span, today, time_zone)
    return [
        {
            "id": item.pk,
            "name": item.name,
            "category": {"id": item.category_id, "name": item.category.name},
            **mode_fields(mode, item.stock_quantity, changes.get(item.pk, {}), span),
        }
        for item in items
    ]
