"""GET lists: If-Modified-Since, order, where, paging and the comma-separated id filters.

Paging: `page` is 1-based with 100 records a page, `pageSize` up to 1,000; a page past
the end is an empty array; the response carries `pagination` when a page was asked for.
https://developer.xero.com/documentation/api/accounting/requests-and-responses#paging
Without `page` the whole list comes back (and invoices and credit notes leave out their
line items, https://github.com/XeroAPI/xero-node/issues/270).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

from sandbox.xero import problems
from sandbox.xero.accounting import where
from sandbox.xero.accounting.dates import parse_since
from sandbox.xero.accounting.responses import Json, query_parse_error

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000  # since July 2024, https://github.com/calcinai/xero-php/issues/915

M = TypeVar("M", bound=Model)


class BadQuery(Exception):
    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


@dataclass(frozen=True)
class Query:
    since: datetime | None
    page: int | None
    page_size: int
    order: tuple[str, ...]
    where: where.Where | None
    params: dict[str, str]

    @property
    def paged(self) -> bool:
        return self.page is not None

    def flag(self, name: str) -> bool:
        return self.params.get(name, "").lower() == "true"

    def text(self, name: str) -> str:
        return self.params.get(name, "").strip()


def query(request: HttpRequest, orderable: dict[str, str], default: tuple[str, ...]) -> Query:
    """The list parameters of a GET, or BadQuery with the answer to give."""
    params = {key: request.GET.get(key, "") for key in request.GET}
    return Query(
        since=_since(request.headers.get("If-Modified-Since")),
        page=_page(params.get("page")),
        page_size=_page_size(params.get("pageSize")),
        order=_order(params.get("order", ""), orderable) or default,
        where=_where(params.get("where", "")),
        params=params,
    )


def ids(value: str, name: str) -> list[uuid.UUID] | None:
    """IDs=..., ContactIDs=...: comma-separated, quotes allowed (the spec's example has them)."""
    if not value.strip():
        return None
    try:
        return [uuid.UUID(part.strip().strip('"')) for part in value.split(",") if part.strip()]
    except ValueError as error:
        raise BadQuery(
            problems.bad_request(f"{name} must be a comma-separated list of ids")
        ) from error


def words(value: str) -> list[str] | None:
    """Statuses=..., InvoiceNumbers=...: comma-separated values."""
    found = [part.strip().strip('"') for part in value.split(",") if part.strip()]
    return found or None


def modified_since(rows: QuerySet[M], moment: datetime | None) -> QuerySet[M]:
    # Inclusive: a record stamped exactly at the cursor comes back again, so a client
    # that saves the last UpdatedDateUTC it saw never misses one sharing that stamp.
    return rows if moment is None else rows.filter(updated_at__gte=moment)


def page(
    rows: QuerySet[M] | list[M], found: Query, render: Callable[[M], Json]
) -> tuple[list[Json], Json | None]:
    """One page (or all) of the rows, rendered, with the pagination object if paged."""
    if found.where is not None:
        items = [item for item in _render(rows, render) if found.where.matches(item)]
        return _slice(items, found)
    if found.page is None:
        return _render(rows, render), None
    count = len(rows) if isinstance(rows, list) else rows.count()
    start = (found.page - 1) * found.page_size
    return _render(rows[start : start + found.page_size], render), _pagination(found, count)


def _render(rows: Iterable[M], render: Callable[[M], Json]) -> list[Json]:
    return [render(row) for row in rows]


def _slice(items: list[Json], found: Query) -> tuple[list[Json], Json | None]:
    if found.page is None:
        return items, None
    start = (found.page - 1) * found.page_size
    return items[start : start + found.page_size], _pagination(found, len(items))


def _pagination(found: Query, count: int) -> Json:
    return {
        "page": found.page or 1,
        "pageSize": found.page_size,
        "pageCount": math.ceil(count / found.page_size),
        "itemCount": count,
    }


def _since(raw: str | None) -> datetime | None:
    if raw is None or not raw.strip():
        return None
    moment = parse_since(raw)
    if moment is None:
        raise BadQuery(problems.bad_request(f"If-Modified-Since '{raw}' is not a date"))
    return moment


def _page(raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    return max(_integer(raw, "page"), 1)


def _page_size(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_PAGE_SIZE
    return min(max(_integer(raw, "pageSize"), 1), MAX_PAGE_SIZE)


def _integer(raw: str, name: str) -> int:
    try:
        return int(raw)
    except ValueError as error:
        raise BadQuery(problems.bad_request(f"{name} must be a whole number")) from error


def _order(raw: str, orderable: dict[str, str]) -> tuple[str, ...]:
    """order=UpdatedDateUTC ASC (or "Name DESC, Code"): fields the spec's records have."""
    terms: list[str] = []
    for part in filter(None, (piece.strip() for piece in raw.split(","))):
        name, _, direction = part.partition(" ")
        field = next((f for key, f in orderable.items() if key.lower() == name.lower()), None)
        if field is None or direction.strip().upper() not in {"", "ASC", "DESC"}:
            raise BadQuery(query_parse_error(f"Cannot order by '{part}'."))
        terms.append(f"-{field}" if direction.strip().upper() == "DESC" else field)
    return (*terms, "pk") if terms else ()


def _where(raw: str) -> where.Where | None:
    if not raw.strip():
        return None
    try:
        return where.parse(raw)
    except where.WhereError as error:
        raise BadQuery(query_parse_error(str(error))) from error
