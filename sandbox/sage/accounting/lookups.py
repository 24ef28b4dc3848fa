"""Turning a request's `*_id` fields into records, with Sage-style 422s when they do not
name a live record of the business."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Model

from sandbox.sage.accounting.context import Books, Invalid
from sandbox.sage.accounting.wire import Json, parse_day, parse_decimal

M = TypeVar("M", bound=Model)

REQUIRED = "This field is required."


def text(payload: Json, name: str, *, limit: int = 255, required: bool = False) -> str | None:
    """The field as text, None when absent; blank or too long is refused."""
    if name not in payload or payload[name] is None:
        if required:
            raise Invalid((REQUIRED, name))
        return None
    value = payload[name]
    if not isinstance(value, str):
        raise Invalid(("must be a string", name))
    value = value.strip()
    if required and not value:
        raise Invalid((REQUIRED, name))
    if len(value) > limit:
        raise Invalid((f"is too long (maximum is {limit} characters)", name))
    return value


def record(
    model: type[M],
    books: Books,
    payload: Json,
    name: str,
    *,
    source: str = "",
    required: bool = False,
) -> M | None:
    """The live record named by payload[name] (an id), or None when absent."""
    where = source or name
    raw = payload.get(name)
    if raw in (None, ""):
        if required:
            raise Invalid((REQUIRED, where))
        return None
    if not isinstance(raw, str):
        raise Invalid(("is invalid", where))
    rows = model._default_manager.filter(business=books.business, guid=raw)
    if any(field.name == "deleted_at" for field in model._meta.get_fields()):
        rows = rows.filter(deleted_at__isnull=True)
    found = rows.first()
    if found is None:
        raise Invalid(("is invalid: no such record in this business", where))
    return found


def decimal(
    payload: Json, name: str, *, source: str = "", required: bool = False
) -> Decimal | None:
    where = source or name
    if payload.get(name) is None:
        if required:
            raise Invalid((REQUIRED, where))
        return None
    value = parse_decimal(payload[name])
    if value is None:
        raise Invalid(("is not a number", where))
    return value


def day(payload: Json, name: str, *, required: bool = False) -> Any:
    if payload.get(name) in (None, ""):
        if required:
            raise Invalid((REQUIRED, name))
        return None
    value = parse_day(payload[name])
    if value is None:
        raise Invalid(("is not a valid date (YYYY-MM-DD)", name))
    return value


def flag(payload: Json, name: str) -> bool | None:
    value = payload.get(name)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise Invalid(("must be true or false", name))
    return value
