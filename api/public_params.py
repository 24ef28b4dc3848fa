"""The public API's query parameters: parsed strictly, refused with what to do instead.

Every value is ASCII digits or an ISO date checked by pattern before conversion, so
"²", a 5,000-digit number, a NUL or a lone surrogate is a 400 (never a database error
or a 500). A parameter given twice is refused rather than guessed at. A key in the
query string is refused outright: URLs end up in logs and browser histories.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.http import QueryDict
from rest_framework import exceptions, status

from tenancy.params import LARGEST_ID
from wordpress_bridge.availability import Range

MAX_DAYS = 366
ID = re.compile(r"^[0-9]{1,19}$", re.ASCII)
ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", re.ASCII)
KEY_PARAMETERS = frozenset({"key", "api_key", "apikey", "token", "access_token", "website_key"})
KEY_PREFIXES = ("pbpk_", "pbk_")


class PublicProblem(exceptions.APIException):
    """A 400 with its own problem code."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail, code)


def invalid_range(detail: str) -> PublicProblem:
    return PublicProblem("invalid_range", detail)


def refuse_key_in_query(query: QueryDict) -> None:
    for name, values in query.lists():
        if name.lower() in KEY_PARAMETERS or any(v.startswith(KEY_PREFIXES) for v in values):
            raise PublicProblem(
                "key_in_query_string",
                "Send the website key only in the Authorization header (Bearer pbpk_…), "
                "never in the URL: URLs are logged. Regenerate the key on the WordPress card "
                "in Patchbay, since this one may have been recorded.",
            )


def single(query: QueryDict, name: str) -> str | None:
    values = query.getlist(name)
    if len(values) > 1:
        raise PublicProblem("invalid_parameter", f"Give {name} once, not {len(values)} times.")
    return values[0] if values else None


def record_id(query: QueryDict, name: str, listing: str) -> int | None:
    value = single(query, name)
    if value is None or value == "":
        return None
    if not ID.match(value) or not 1 <= int(value) <= LARGEST_ID:
        raise PublicProblem(
            "invalid_parameter",
            f"{name} must be an id as /api/public/v1/{listing} lists it (digits only).",
        )
    return int(value)


@dataclass(frozen=True)
class Subject:
    """What availability is asked for: one item, one category, or every visible item."""

    category: int | None
    item: int | None


def subject(query: QueryDict) -> Subject:
    category = record_id(query, "category", "categories")
    item = record_id(query, "item", "items")
    if category is not None and item is not None:
        raise PublicProblem(
            "invalid_parameter", "Give either category or item, not both: an item has one."
        )
    return Subject(category, item)


def _day(query: QueryDict, name: str) -> date | None:
    value = single(query, name)
    if value is None or value == "":
        return None
    try:
        if not ISO_DATE.match(value):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise invalid_range(f"{name} must be a date as YYYY-MM-DD, e.g. 2026-12-10.") from None


def date_range(query: QueryDict, today: date) -> Range:
    """``from`` (default today) to ``to`` (default ``from``), at most MAX_DAYS days."""
    first = _day(query, "from") or today
    last = _day(query, "to") or first
    if first < today:
        raise invalid_range(
            f"from ({first.isoformat()}) is in the past: availability starts today, "
            f"{today.isoformat()}, in the organisation's time zone."
        )
    if last < first:
        raise invalid_range(
            f"to ({last.isoformat()}) is before from ({first.isoformat()}): swap them."
        )
    if last - first >= timedelta(days=MAX_DAYS):
        raise invalid_range(
            f"The range covers {(last - first).days + 1} days; ask for at most {MAX_DAYS} "
            "at a time."
        )
    return Range(first, last)
