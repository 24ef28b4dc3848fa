"""List endpoints: Sage's paging envelope, incremental filters, sorting and attributes.

https://developer.sage.com/accounting/guides/efficiencies/pagination
https://developer.sage.com/accounting/guides/efficiencies/filtering
- `{"$total", "$page", "$next", "$back", "$itemsPerPage", "$items"}`; `items_per_page`
  defaults to 20 and is capped at 200; a page past the end returns the last page, so
  clients stop on `"$next": null`.
- Items are `{id, displayed_as, $path}` unless `attributes=all` (or a comma-separated
  list of attributes) asks for more.
- `updated_or_created_since` is inclusive; `deleted_since` is exclusive and lists only
  deleted records (each with its `deleted_at`). Other lists leave deleted records out.
- `sort=updated_at:asc` (and the other attributes each endpoint allows); the record's
  creation order breaks ties, so records sharing one `updated_at` keep a stable order
  across pages.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.db.models import Model, QuerySet
from django.http import JsonResponse, QueryDict

from sandbox.sage.accounting.context import Invalid
from sandbox.sage.accounting.wire import Json, parse_moment

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 200
BASE = ("id", "displayed_as", "$path")

M = TypeVar("M", bound=Model)


def attributes_of(query: QueryDict) -> set[str] | None:
    """None for all attributes; otherwise the extra attributes asked for."""
    raw = query.get("attributes", "").strip()
    if raw == "all":
        return None
    return {name.strip() for name in raw.split(",") if name.strip()}


def shape(full: Json, wanted: set[str] | None) -> Json:
    if wanted is None:
        return full
    return {key: value for key, value in full.items() if key in BASE or key in wanted}


def incremental(rows: QuerySet[M], query: QueryDict) -> QuerySet[M]:
    deleted_since = _moment(query, "deleted_since")
    if deleted_since is not None:
        return rows.filter(deleted_at__gt=deleted_since)
    rows = rows.filter(deleted_at__isnull=True)
    since = _moment(query, "updated_or_created_since")
    return rows if since is None else rows.filter(updated_at__gte=since)


def sorted_rows(rows: QuerySet[M], query: QueryDict, allowed: Iterable[str]) -> QuerySet[M]:
    raw = query.get("sort", "").strip()
    if not raw:
        return rows.order_by("pk")
    name, _, direction = raw.partition(":")
    if name not in set(allowed) or direction not in ("", "asc", "desc"):
        raise Invalid((f"Sorting by {raw} is not supported.", "sort"))
    prefix = "-" if direction == "desc" else ""
    return rows.order_by(f"{prefix}{name}", f"{prefix}pk")


def page(
    rows: QuerySet[M],
    query: QueryDict,
    collection: str,
    render: Callable[[M], Json],
) -> JsonResponse:
    per_page = _number(query, "items_per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    total = rows.count()
    pages = max(1, math.ceil(total / per_page))
    current = min(_number(query, "page", 1, 1, None), pages)
    start = (current - 1) * per_page
    wanted = attributes_of(query)
    showing_deleted = "deleted_since" in query
    items = []
    for row in rows[start : start + per_page]:
        full = render(row)
        item = shape(full, wanted)
        if showing_deleted:
            item["deleted_at"] = full.get("deleted_at")
        items.append(item)
    return JsonResponse(
        {
            "$total": total,
            "$page": current,
            "$next": _link(collection, query, current + 1, per_page) if current < pages else None,
            "$back": _link(collection, query, current - 1, per_page) if current > 1 else None,
            "$itemsPerPage": per_page,
            "$items": items,
        }
    )


def _link(collection: str, query: QueryDict, number: int, per_page: int) -> str:
    # The caller's filters are kept so that following $next stays in the same listing.
    kept: list[tuple[str, Any]] = [
        (key, value)
        for key in query
        if key not in ("page", "items_per_page")
        for value in query.getlist(key)
    ]
    params = [("page", number), ("items_per_page", per_page), *kept]
    return f"/{collection}?{urlencode(params)}"


def _number(query: QueryDict, name: str, default: int, low: int, high: int | None) -> int:
    raw = query.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as error:
        raise Invalid((f"{name} must be a whole number.", name)) from error
    value = max(value, low)
    return min(value, high) if high is not None else value


def _moment(query: QueryDict, name: str) -> Any:
    raw = query.get(name)
    if raw is None or not raw.strip():
        return None
    moment = parse_moment(raw)
    if moment is None:
        raise Invalid((f"{name} is not a valid date-time.", name))
    return moment
