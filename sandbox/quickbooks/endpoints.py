"""The accounting endpoints' plumbing: reads, writes with `requestid`, queries, CDC and batch,
each through api.serve. Answers are JSON (`{"Invoice": {...}, "time": "..."}`); the
`minorversion` parameter is accepted at any value: from August 2025 Intuit ignores 1-74 and
treats requests as 75 (https://blogs.intuit.com/2025/01/21/changes-to-our-accounting-api-that-may-impact-your-application).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from sandbox.quickbooks import batch, cdc, conf, errors, notifications, query, render, writes
from sandbox.quickbooks.api import Caller, serve
from sandbox.quickbooks.clock import envelope_time
from sandbox.quickbooks.entities.registry import Kind
from sandbox.quickbooks.models import QboRequestId
from sandbox.quickbooks.store import Books, lock
from tenancy import bounded_json

Json = dict[str, Any]
Work = Callable[[Books, Any], Json]
REQUESTID_MAX = 50
BATCH_REQUESTID_MAX = 36


def ok(body: Json) -> HttpResponse:
    return errors.json_response(body | {"time": envelope_time()})


def read(request: HttpRequest, realm_id: str, kind: Kind, entity_id: str) -> HttpResponse:
    def handler(caller: Caller) -> HttpResponse:
        books = Books(caller.company, caller.client_id)
        row = books.get(kind.name, entity_id)
        if row is None:
            return errors.fault_response(errors.not_found(kind.name, entity_id))
        return ok({kind.name: render.entity(books, row)})

    return serve(request, realm_id, "read", handler)


def run_query(request: HttpRequest, realm_id: str) -> HttpResponse:
    text = request.GET.get("query", "")
    if request.method == "POST" and not text:
        # Intuit takes the statement as the body (Content-Type: application/text).
        text = request.body.decode(errors="replace")

    def handler(caller: Caller) -> HttpResponse:
        try:
            answer = query.run(Books(caller.company, caller.client_id), text)
        except errors.Invalid as problem:
            return errors.fault_response(problem)
        return ok({"QueryResponse": answer})

    return serve(request, realm_id, "query", handler)


def run_cdc(request: HttpRequest, realm_id: str) -> HttpResponse:
    def handler(caller: Caller) -> HttpResponse:
        books = Books(caller.company, caller.client_id)
        try:
            answer = cdc.run(
                books, request.GET.get("entities", ""), request.GET.get("changedSince", "")
            )
        except errors.Invalid as problem:
            return errors.fault_response(problem)
        return ok({"CDCResponse": answer})

    return serve(request, realm_id, "cdc", handler)


def write(request: HttpRequest, realm_id: str, kind: Kind) -> HttpResponse:
    operation = request.GET.get("operation", "")

    def work(books: Books, payload: Any) -> Json:
        return {kind.name: writes.write(books, kind, payload, operation)}

    return serve(
        request, realm_id, "write", lambda caller: _write(request, caller, work, REQUESTID_MAX)
    )


def run_batch(request: HttpRequest, realm_id: str) -> HttpResponse:
    def work(books: Books, payload: Any) -> Json:
        return {"BatchItemResponse": batch.run(books, batch.items(payload))}

    return serve(
        request,
        realm_id,
        "batch",
        lambda caller: _write(request, caller, work, BATCH_REQUESTID_MAX),
    )


def _write(request: HttpRequest, caller: Caller, work: Work, id_max: int) -> HttpResponse:
    request_id = request.GET.get("requestid")
    if request_id is not None and not 0 < len(request_id) <= id_max:
        return errors.fault_response(
            errors.invalid("2010", f"requestid must be 1 to {id_max} characters", "requestid")
        )
    mode = str(conf.get("REQUESTID_MODE"))
    if mode == "ignore":
        request_id = None
    try:
        payload = bounded_json.loads(request.body or b"null")
    except ValueError:  # malformed, not UTF-8, or nested too deep
        return errors.fault_response(
            errors.invalid("2010", "Request body is not valid JSON: unsupported or invalid")
        )
    with transaction.atomic():
        books = Books(lock(caller.company), caller.client_id)
        stored = _stored(books, request_id) if request_id else None
        if stored is not None:
            if mode == "error":
                # A field report: a repeated requestid answered with error 6000.
                return errors.fault_response(errors.business(f"Duplicate request id {request_id}"))
            return HttpResponse(stored.body, status=stored.status, content_type="application/json")
        response = _carry_out(books, work, payload)
        if request_id:
            QboRequestId.objects.create(
                company=books.company,
                client_id=books.client_id,
                request_id=request_id,
                status=response.status_code,
                body=response.content.decode(),
                created_at=books.now,
            )
    return response


def _carry_out(books: Books, work: Work, payload: Any) -> HttpResponse:
    try:
        with transaction.atomic():
            body = work(books, payload)
    except errors.Invalid as problem:
        return errors.fault_response(problem)
    notifications.notify(books)
    return ok(body)


def _stored(books: Books, request_id: str) -> QboRequestId | None:
    rows = QboRequestId.objects.filter(
        company=books.company, client_id=books.client_id, request_id=request_id
    )
    rows.filter(
        created_at__lt=books.now - timedelta(seconds=conf.seconds("REQUESTID_SECONDS"))
    ).delete()
    return rows.first()
