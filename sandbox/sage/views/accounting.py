"""api.accounting.sage.com/v3.1 in the sandbox: every business-scoped endpoint.

Collections answer GET (paged) and, where Sage allows, POST; members answer GET and,
where Sage allows, PUT and DELETE. What each resource does is in accounting/resources.py.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sandbox.sage.accounting import artefacts, http, listing
from sandbox.sage.accounting.context import Books, NotFound
from sandbox.sage.accounting.resources import Resource, find
from sandbox.sage.accounting.wire import Json


def _rows(resource: Resource, books: Books, request: HttpRequest) -> Any:
    rows = resource.rows(books)
    if resource.soft_deletes:
        rows = listing.incremental(rows, request.GET)
    rows = resource.filters(rows, request.GET)
    return listing.sorted_rows(rows, request.GET, resource.sorts)


def record_of(resource: Resource, books: Books, key: str) -> Any:
    rows = resource.rows(books).filter(guid=key)
    if resource.soft_deletes:
        rows = rows.filter(deleted_at__isnull=True)
    found = rows.first()
    if found is None:
        raise NotFound(key)
    return found


@csrf_exempt  # Bearer-authenticated API, no cookies involved
def collection(request: HttpRequest, resource: str) -> HttpResponse:
    spec = find(resource)
    if request.method == "GET":
        return http.read(
            request,
            lambda books: listing.page(
                _rows(spec, books, request), request.GET, spec.name, spec.render
            ),
        )
    if request.method == "POST" and spec.create is not None:
        create = spec.create

        def created(books: Books, payload: Json) -> HttpResponse:
            return JsonResponse(spec.render(create(books, payload)), status=201)

        return http.write(request, spec, created)
    return HttpResponseNotAllowed(["GET", "POST"] if spec.writable else ["GET"])


@csrf_exempt  # as above
def member(request: HttpRequest, resource: str, key: str) -> HttpResponse:
    spec = find(resource)
    if request.method == "GET":
        return http.read(request, lambda books: _show(spec, books, key, request))
    if request.method == "PUT" and spec.update is not None:
        update = spec.update

        def updated(books: Books, payload: Json) -> HttpResponse:
            record = record_of(spec, books, key)
            return JsonResponse(spec.render(update(books, record, payload)))

        return http.write(request, spec, updated)
    if request.method == "DELETE" and spec.delete is not None:
        delete = spec.delete
        return http.act(
            request, lambda books: delete(books, record_of(spec, books, key), request.GET)
        )
    allowed = ["GET"] + (["PUT"] if spec.update else []) + (["DELETE"] if spec.delete else [])
    return HttpResponseNotAllowed(allowed)


def _show(spec: Resource, books: Books, key: str, request: HttpRequest) -> HttpResponse:
    record = record_of(spec, books, key)
    if spec.on_read is not None:
        with transaction.atomic():
            http.lock(books)
            spec.on_read(books, record, request.GET)
    return JsonResponse(spec.render(record))


@csrf_exempt  # as above
@require_POST
def release(request: HttpRequest, resource: str, key: str) -> HttpResponse:
    """POST /{sales_invoices|sales_credit_notes}/{key}/release: a draft becomes UNPAID."""
    spec = find(resource)
    return http.act(request, lambda books: artefacts.release(books, record_of(spec, books, key)))
