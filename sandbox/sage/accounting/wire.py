"""Values on the API's wire: references, timestamps, dates and amounts.

A reference is read back as `{"id", "displayed_as", "$path"}` and written as `<name>_id`;
`$path` is relative to the API base (/v3.1). Timestamps are UTC to the second with a Z.
Amounts are JSON numbers (the Swagger types them as numbers); requests may send
numbers or numeric strings.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

Json = dict[str, Any]


def link(collection: str, key: str, displayed_as: str) -> Json:
    return {"id": key, "displayed_as": displayed_as, "$path": f"/{collection}/{key}"}


def stamp() -> datetime:
    """Now, to the second: what the API shows is exactly what a cursor compares with."""
    return timezone.now().replace(microsecond=0)


def timestamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def amount(value: Decimal) -> float:
    return float(value)


def parse_decimal(raw: Any) -> Decimal | None:
    if isinstance(raw, bool) or raw is None:
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def parse_day(raw: Any) -> date | None:
    if not isinstance(raw, str):
        return None
    try:
        return date.fromisoformat(raw.strip()[:10])
    except ValueError:
        return None


def parse_moment(raw: str) -> datetime | None:
    """A filter's date or date-time ("2026-05-04", "2026-05-04T09:15:01+01:00", "...Z").
    A value without an offset is UTC."""
    try:
        moment = datetime.fromisoformat(raw.strip().replace(" ", "+"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
