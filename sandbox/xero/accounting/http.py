"""The accounting endpoints' plumbing: every call goes through api.serve (faults, Bearer
token, xero-tenant-id, scopes, rate limits, call record); writes add the 3.5 MB limit,
JSON parsing, the organisation lock and Idempotency-Key replays.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from sandbox.xero import problems
from sandbox.xero.accounting import chart, idempotency
from sandbox.xero.accounting.batch import BadBody
from sandbox.xero.accounting.context import Books
from sandbox.xero.accounting.dates import stamp
from sandbox.xero.accounting.listing import BadQuery
from sandbox.xero.accounting.responses import post_data_invalid
from sandbox.xero.api import Caller, serve
from sandbox.xero.models import XeroOrganisation
from sandbox.xero.scopes import Needs
from sandbox.xero.webhooks import events as webhook_events
from tenancy import bounded_json

# "A single POST ... has a size limit of 3.5MB"
# https://developer.xero.com/documentation/auth-and-limits/xero-api-limits
MAX_BODY_BYTES = 3_670_016  # 3.5 MiB; SANDBOX_XERO_MAX_BODY_BYTES overrides it

Reader = Callable[[Books, HttpRequest], HttpResponse]
Writer = Callable[[Books, Any], HttpResponse]
Deleter = Callable[[Books], HttpResponse]


def read(request: HttpRequest, needs: Needs, answer: Reader) -> HttpResponse:
    def handler(caller: Caller) -> HttpResponse:
        books = _books(caller, request)
        chart.ensure(books.organisation)
        try:
            return answer(books, request)
        except BadQuery as bad:
            return bad.response

    return serve(request, handler, tenant_scoped=True, scopes=needs.read)


def write(request: HttpRequest, needs: Needs, answer: Writer) -> HttpResponse:
    body = _body(request)
    if isinstance(body, HttpResponse):
        return body  # refused at the gateway, before Xero sees the call

    def handler(caller: Caller) -> HttpResponse:
        return _write(request, _books(caller, request), body, answer)

    return serve(request, handler, tenant_scoped=True, scopes=needs.write)


def delete(request: HttpRequest, needs: Needs, answer: Deleter) -> HttpResponse:
    def handler(caller: Caller) -> HttpResponse:
        books = _books(caller, request)
        with transaction.atomic():
            _lock(books.organisation)
            books.now = stamp()
            return answer(books)

    return serve(request, handler, tenant_scoped=True, scopes=needs.write)


def _write(request: HttpRequest, books: Books, body: bytes, answer: Writer) -> HttpResponse:
    key = request.headers.get(idempotency.HEADER)
    refused = idempotency.refuse_key(key) if key is not None else None
    if refused is not None:
        return refused
    try:
        payload = bounded_json.loads(body)
    except ValueError:  # malformed, not UTF-8, or nested too deep
        return post_data_invalid("The request body is not valid JSON.")
    with transaction.atomic():
        # One writer per organisation at a time: numbering, uniqueness and key replays
        # are then decided in order, whichever worker process serves the call.
        _lock(books.organisation)
        # Stamped once the lock is held: a later writer never gets an earlier
        # UpdatedDateUTC, so a cursor taken between two commits misses nothing.
        books.now = stamp()
        chart.ensure(books.organisation)
        print_ = idempotency.fingerprint(request, payload)
        replayed = idempotency.replay(books, key, print_) if key else None
        if replayed is not None:
            return replayed
        try:
            response = answer(books, payload)
        except BadBody as bad:
            return post_data_invalid(str(bad))
        if key:
            idempotency.store(books, key, print_, response)
        webhook_events.record(books)  # subscribed apps hear of the change once it commits
    return response


def _books(caller: Caller, request: HttpRequest) -> Books:
    unitdp = 4 if request.GET.get("unitdp") == "4" else 2
    return Books(caller.tenant, caller.token.grant.client_id, unitdp=unitdp)


def _lock(organisation: XeroOrganisation) -> None:
    XeroOrganisation.objects.select_for_update().filter(pk=organisation.pk).first()


def _body(request: HttpRequest) -> bytes | HttpResponse:
    """The raw body, read past Django's upload limit (Xero allows more), or a 413."""
    limit = int(getattr(settings, "SANDBOX_XERO_MAX_BODY_BYTES", MAX_BODY_BYTES))
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    body = b"" if declared > limit else request.read(limit + 1)
    if declared > limit or len(body) > limit:
        return problems.problem(
            413, "Request Entity Too Large", f"The request body is larger than {limit} bytes"
        )
    return body


def summarize(request: HttpRequest) -> bool:
    """summarizeErrors=false asks for 200 with per-element errors; anything else, a 400."""
    return request.GET.get("summarizeErrors", "").lower() != "false"
