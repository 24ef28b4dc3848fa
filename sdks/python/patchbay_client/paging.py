"""Every page of a list, and only what changed since a moment.

Patchbay's lists are numbered pages, ordered by ``updated_at`` oldest first, and
take ``updated_since``; these helpers drive any generated ``*_list`` operation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, Protocol, TypeVar

from patchbay_client.generated.client import AuthenticatedClient
from patchbay_client.generated.models.problem import Problem
from patchbay_client.generated.types import Unset

Item = TypeVar("Item")
Result = TypeVar("Result")
MAX_PAGE_SIZE = 100


class Page(Protocol[Item]):
    @property
    def results(self) -> list[Item]: ...

    @property
    def next_(self) -> str | Unset | None: ...


class ListOperation(Protocol[Item]):
    """A generated list module, e.g. ``generated.api.customers.customers_list``."""

    @property
    def sync(self) -> Callable[..., Page[Item] | Problem | None]: ...


def pages(
    operation: ListOperation[Item],
    client: AuthenticatedClient,
    *,
    page_size: int = MAX_PAGE_SIZE,
    **params: Any,
) -> Iterator[Page[Item]]:
    """Each page in turn, until the server says there is no next one."""
    number = 1
    while True:
        page = ok(operation.sync(client=client, page=number, page_size=page_size, **params))
        yield page
        if not isinstance(page.next_, str):
            return
        number += 1


def iterate(
    operation: ListOperation[Item],
    client: AuthenticatedClient,
    *,
    page_size: int = MAX_PAGE_SIZE,
    **params: Any,
) -> Iterator[Item]:
    """Every record of a list, across all its pages."""
    for page in pages(operation, client, page_size=page_size, **params):
        yield from page.results


def changed_since(
    operation: ListOperation[Item],
    client: AuthenticatedClient,
    since: datetime,
    **params: Any,
) -> Iterator[Item]:
    """Records changed at or after ``since`` (timezone-aware), oldest change first.

    Keep the last ``updated_at`` you processed and pass it next time.
    """
    if since.tzinfo is None:
        raise ValueError("updated_since needs a time zone, e.g. datetime.now(UTC)")
    return iterate(operation, client, updated_since=since, **params)


def ok(result: Result | Problem | None) -> Result:
    """A generated operation's result, typed without its ``Problem | None`` alternatives.

    With ``connect()``'s client an error answer raises before a result exists, so
    those never arrive; this narrows the type (and fails loudly if one ever does).
    """
    if result is None or isinstance(result, Problem):
        raise TypeError(f"expected a result, the operation gave {result!r}")
    return result


def latest_change(records: list[Any], previous: datetime | None = None) -> datetime | None:
    """The newest ``updated_at`` among ``records`` (or ``previous``): the next ``since``."""
    moments = [record.updated_at for record in records if hasattr(record, "updated_at")]
    if previous is not None:
        moments.append(previous)
    return max(moments, default=None)
