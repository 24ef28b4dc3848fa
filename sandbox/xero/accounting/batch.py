"""PUT and POST with arrays: each element written or refused on its own.

With summarizeErrors=false the answer is 200 with every element, failures marked
(HasErrors, StatusAttributeString "ERROR", ValidationErrors); otherwise one failure
rolls the whole request back and answers 400 ValidationException.
https://developer.xero.com/documentation/api/accounting/requests-and-responses#summarize-errors
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import JsonResponse

from sandbox.xero.accounting.context import Books
from sandbox.xero.accounting.responses import Json, messages, ok, validation_exception


class Mode(enum.Enum):
    CREATE = "PUT"  # create only
    UPSERT = "POST"  # update the element whose ID is given, else create


class Invalid(Exception):
    """An element Xero would refuse, with the element as Xero echoes it back."""

    def __init__(self, errors: list[str], echo: Json) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors
        self.echo = echo


class BadBody(Exception):
    """A body that is not the entity's JSON at all (PostDataInvalidException)."""


Writer = Callable[[Books, dict[str, Any], Mode, str | None], Json]


@dataclass(frozen=True)
class Kind:
    plural: str  # "Invoices": the wrapper key and the response key
    write: Writer
    error_flag: str | None  # "HasErrors", "HasValidationErrors" or none, per the spec's schema


@dataclass(frozen=True)
class Written:
    element: Json
    failed: bool


def elements(payload: Any, plural: str) -> list[dict[str, Any]]:
    """The plural wrapper ({"Invoices": [...]}), a bare array, or a single object."""
    if isinstance(payload, dict) and plural in payload:
        payload = payload[plural]
    items = payload if isinstance(payload, list) else [payload]
    if not items or not all(isinstance(item, dict) for item in items):
        raise BadBody(f"The request body must hold {plural} objects.")
    return items


def run(
    kind: Kind,
    books: Books,
    items: list[dict[str, Any]],
    mode: Mode,
    summarize: bool,
    target: str | None = None,
) -> JsonResponse:
    with transaction.atomic():
        results = [_one(kind, books, raw, mode, target) for raw in items]
        if summarize and any(result.failed for result in results):
            transaction.set_rollback(True)
            return validation_exception([result.element for result in results if result.failed])
    return ok(kind.plural, [result.element for result in results])


def _one(kind: Kind, books: Books, raw: dict[str, Any], mode: Mode, target: str | None) -> Written:
    try:
        with transaction.atomic():  # a savepoint: a refused element leaves nothing behind
            element = kind.write(books, raw, mode, target)
    except Invalid as invalid:
        return Written(refused(kind, invalid), failed=True)
    element["StatusAttributeString"] = "OK"
    return Written(element, failed=False)


def refused(kind: Kind, invalid: Invalid) -> Json:
    element = dict(invalid.echo)
    if kind.error_flag:
        element[kind.error_flag] = True
    element["StatusAttributeString"] = "ERROR"
    element["ValidationErrors"] = messages(invalid.errors)
    return element
