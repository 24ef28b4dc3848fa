"""api.xero.com/api.xro/2.0 in the sandbox: the accounting endpoints.

Each view only picks the scopes and the work; sandbox.xero.accounting.http does the
rest (token, tenant, scopes, rate limits, faults, size limit, idempotency).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sandbox.xero import scopes
from sandbox.xero.accounting import (
    batch,
    contacts,
    credit_notes,
    http,
    invoices,
    items,
    ledger,
    payments,
    purchase_orders,
)
from sandbox.xero.accounting.batch import Mode
from sandbox.xero.accounting.context import Books

ListAnswer = Callable[[Books, HttpRequest], HttpResponse]
OneAnswer = Callable[[Books, HttpRequest, str], HttpResponse]
MODES = {"PUT": Mode.CREATE, "POST": Mode.UPSERT}


def _batch(request: HttpRequest, kind: batch.Kind, target: str | None = None) -> http.Writer:
    mode = MODES[request.method or "PUT"]

    def answer(books: Books, payload: Any) -> HttpResponse:
        found = batch.elements(payload, kind.plural)
        return batch.run(kind, books, found, mode, http.summarize(request), target)

    return answer


def _collection(
    request: HttpRequest, needs: scopes.Needs, listed: ListAnswer, kind: batch.Kind
) -> HttpResponse:
    if request.method == "GET":
        return http.read(request, needs, listed)
    return http.write(request, needs, _batch(request, kind))


def _one(
    request: HttpRequest, needs: scopes.Needs, shown: OneAnswer, kind: batch.Kind, ref: str
) -> HttpResponse:
    if request.method == "GET":
        return http.read(request, needs, lambda books, req: shown(books, req, ref))
    return http.write(request, needs, _batch(request, kind, ref))


@csrf_exempt  # Bearer-authenticated API, no cookies involved
@require_http_methods(["GET"])
def accounts(request: HttpRequest) -> HttpResponse:
    return http.read(request, scopes.SETTINGS, ledger.list_accounts)


@csrf_exempt  # as above
@require_http_methods(["GET"])
def tax_rates(request: HttpRequest) -> HttpResponse:
    return http.read(request, scopes.SETTINGS, ledger.list_tax_rates)


@csrf_exempt  # as above
@require_http_methods(["GET", "PUT", "POST"])
def contact_list(request: HttpRequest) -> HttpResponse:
    return _collection(request, scopes.CONTACTS, contacts.list_contacts, contacts.KIND)


@csrf_exempt  # as above
@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest, contact_id: str) -> HttpResponse:
    return _one(request, scopes.CONTACTS, contacts.get_contact, contacts.KIND, contact_id)


@csrf_exempt  # as above
@require_http_methods(["GET", "PUT", "POST"])
def item_list(request: HttpRequest) -> HttpResponse:
    return _collection(request, scopes.ITEMS, items.list_items, items.KIND)


@csrf_exempt  # as above
@require_http_methods(["GET", "POST", "DELETE"])
def item(request: HttpRequest, item_id: str) -> HttpResponse:
    if request.method == "DELETE":
        return http.delete(request, scopes.ITEMS, lambda books: items.delete_item(books, item_id))
    return _one(request, scopes.ITEMS, items.get_item, items.KIND, item_id)


@csrf_exempt  # as above
@require_http_methods(["GET", "PUT", "POST"])
def invoice_list(request: HttpRequest) -> HttpResponse:
    return _collection(request, scopes.INVOICES, invoices.list_invoices, invoices.KIND)


@csrf_exempt  # as above
@require_http_methods(["GET", "POST"])
def invoice(request: HttpRequest, invoice_id: str) -> HttpResponse:
    return _one(request, scopes.INVOICES, invoices.get_invoice, invoices.KIND, invoice_id)


@csrf_exempt  # as above
@require_http_methods(["GET", "PUT", "POST"])
def payment_list(request: HttpRequest) -> HttpResponse:
    # POST /Payments creates one payment (createPayment); it never updates.
    if request.method == "GET":
        return http.read(request, scopes.PAYMENTS, payments.list_payments)
    creating = _batch(request, payments.KIND)
    return http.write(request, scopes.PAYMENTS, creating)


@csrf_exempt  # as above
@require_http_methods(["GET", "POST"])
def payment(request: HttpRequest, payment_id: str) -> HttpResponse:
    if request.method == "GET":
        return http.read(
            request,
            scopes.PAYMENTS,
            lambda books, req: payments.get_payment(books, req, payment_id),
        )
    # POST /Payments/{PaymentID} is Xero's way of deleting (operation deletePayment).
    return http.write(
        request, scopes.PAYMENTS, lambda books, payload: payments.delete(books, payload, payment_id)
    )


@csrf_exempt  # as above
@require_http_methods(["GET", "PUT", "POST"])
def credit_note_list(request: HttpRequest) -> HttpResponse:
    listed = credit_notes.list_credit_notes
    return _collection(request, scopes.INVOICES, listed, credit_notes.KIND)


@csrf_exempt  # as above
@require_http_methods(["GET", "POST"])
def credit_note(request: HttpRequest, credit_note_id: str) -> HttpResponse:
    shown = credit_notes.get_credit_note
    return _one(request, scopes.INVOICES, shown, credit_notes.KIND, credit_note_id)


@csrf_exempt  # as above
@require_http_methods(["PUT"])
def allocations(request: HttpRequest, credit_note_id: str) -> HttpResponse:
    kind = credit_notes.allocator(credit_note_id)
    return http.write(request, scopes.INVOICES, _batch(request, kind))


@csrf_exempt  # as above
@require_http_methods(["GET", "PUT", "POST"])
def purchase_order_list(request: HttpRequest) -> HttpResponse:
    return _collection(
        request, scopes.INVOICES, purchase_orders.list_purchase_orders, purchase_orders.KIND
    )


@csrf_exempt  # as above
@require_http_methods(["GET", "POST"])
def purchase_order(request: HttpRequest, purchase_order_id: str) -> HttpResponse:
    return _one(
        request,
        scopes.INVOICES,
        purchase_orders.get_purchase_order,
        purchase_orders.KIND,
        purchase_order_id,
    )
