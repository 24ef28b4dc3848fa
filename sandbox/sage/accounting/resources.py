"""What each endpoint of the accounting API is: its rows, how a record reads, and how
it is created, updated and deleted. The views in views/accounting.py serve them all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpResponse, QueryDict

from sandbox.sage.accounting.context import Books
from sandbox.sage.accounting.wire import Json

Rows = Callable[[Books], QuerySet[Any]]
Render = Callable[[Any], Json]
Create = Callable[[Books, Json], Any]
Update = Callable[[Books, Any, Json], Any]
Delete = Callable[[Books, Any, QueryDict], HttpResponse]
Filter = Callable[[QuerySet[Any], QueryDict], QuerySet[Any]]
OnRead = Callable[[Books, Any, QueryDict], None]


def no_filter(rows: QuerySet[Any], query: QueryDict) -> QuerySet[Any]:
    return rows


@dataclass(frozen=True)
class Resource:
    name: str  # the path and `$path` collection: "sales_invoices"
    singular: str  # the request wrapper and idempotency type: "sales_invoice"
    rows: Rows
    render: Render
    create: Create | None = None
    update: Update | None = None
    delete: Delete | None = None
    filters: Filter = no_filter
    sorts: frozenset[str] = field(default_factory=lambda: frozenset({"created_at", "updated_at"}))
    soft_deletes: bool = True  # has deleted_at, so deleted_since applies
    on_read: OnRead | None = None  # a side effect of GET /{name}/{key} (mark_as_sent)

    @property
    def writable(self) -> bool:
        return self.create is not None


REGISTRY: dict[str, Resource] = {}


def register(resource: Resource) -> Resource:
    REGISTRY[resource.name] = resource
    return resource


def find(name: str) -> Resource:
    return REGISTRY[name]


def rendered(resource: Resource, record: Model) -> Json:
    return resource.render(record)
