"""The accounting endpoints' plumbing: every call goes through api.serve; writes add
JSON parsing, the resource wrapper, the business lock, idempotency_id replays and the
422 error arrays."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse

from sandbox.sage import errors
from sandbox.sage.accounting import chart, idempotency
from sandbox.sage.accounting.context import Books, Invalid, NotFound
from sandbox.sage.accounting.resources import Resource
from sandbox.sage.accounting.wire import stamp
from sandbox.sage.api import Caller, serve
from sandbox.sage.models import SageBusiness
from tenancy import bounded_json

Change = Callable[[Books, dict[str, Any]], HttpResponse]
Act = Callable[[Books], HttpResponse]


def books_of(caller: Caller) -> Books:
    return Books(caller.books_business, caller.client_id)


def read(request: HttpRequest, answer: Act) -> HttpResponse:
    def handler(caller: Caller) -> HttpResponse:
        books = books_of(caller)
        chart.ensure(books.business)
        return _guarded(lambda: answer(books))

    return serve(request, handler)


def act(request: HttpRequest, answer: Act) -> HttpResponse:
    """A write without a body (DELETE, /release): under the business lock."""

    def handler(caller: Caller) -> HttpResponse:
        books = books_of(caller)
        with transaction.atomic():
            lock(books)
            return _guarded(lambda: answer(books))

    return serve(request, handler)


def write(request: HttpRequest, resource: Resource, change: Change) -> HttpResponse:
    """POST or PUT with `{"<singular>": {...}}`."""
    try:
        body = bounded_json.loads(request.body or b"null")
    except ValueError:  # malformed, not UTF-8, or nested too deep
        body = None

    def handler(caller: Caller) -> HttpResponse:
        payload = body.get(resource.singular) if isinstance(body, dict) else None
        if not isinstance(payload, dict):
            return errors.record_invalid(
                f'The request body must be {{"{resource.singular}": {{...}}}}.', resource.singular
            )
        books = books_of(caller)
        with transaction.atomic():
            lock(books)
            return _guarded(lambda: _idempotent(request, resource, books, dict(payload), change))

    return serve(request, handler)


def lock(books: Books) -> None:
    # One writer per business at a time: numbering and replays are decided in order.
    SageBusiness.objects.select_for_update().filter(pk=books.business.pk).first()
    # Stamped once the lock is held, so a later writer never gets an earlier updated_at.
    books.now = stamp()
    chart.ensure(books.business)


def _idempotent(
    request: HttpRequest, resource: Resource, books: Books, payload: dict[str, Any], change: Change
) -> HttpResponse:
    original = dict(payload)
    key = idempotency.take(payload)
    if key is None:
        return _saved(lambda: change(books, payload))
    print_ = idempotency.fingerprint(request, original)
    replayed = idempotency.replay(books, key, resource.singular, print_)
    if replayed is not None:
        return replayed
    response = _saved(lambda: change(books, payload))
    idempotency.store(books, key, resource.singular, print_, response)
    return response


def _saved(change: Callable[[], HttpResponse]) -> HttpResponse:
    """A refused change leaves nothing behind: it runs in a savepoint."""
    try:
        with transaction.atomic():
            return change()
    except Invalid as invalid:
        return _invalid(invalid)


def _guarded(answer: Callable[[], HttpResponse]) -> HttpResponse:
    try:
        return answer()
    except Invalid as invalid:
        return _invalid(invalid)
    except NotFound:
        return errors.not_found()


def _invalid(invalid: Invalid) -> JsonResponse:
    problems = [
        errors.Problem("RecordInvalid", message, source) for message, source in invalid.problems
    ]
    return errors.invalid(*problems)
