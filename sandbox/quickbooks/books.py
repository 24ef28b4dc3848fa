"""A company's books as QuickBooks' own screens would show and change them.

For tests and the console: read what the app wrote, and act as the bookkeeper inside
QuickBooks. Every change goes through the API's rules, moves SyncToken and
LastUpdatedTime, sends the webhook, and is refused (`Refused`, with Intuit's error) where
QuickBooks would refuse it. Invoices are named by Id, DocNumber or PrivateNote.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.db import transaction

from sandbox.quickbooks import chart, errors, faults, notifications, render, writes
from sandbox.quickbooks.entities.common import money
from sandbox.quickbooks.entities.registry import BY_NAME
from sandbox.quickbooks.models import QboCompany, QboEntity, QboFault
from sandbox.quickbooks.store import Books, lock

T = TypeVar("T")
Json = dict[str, Any]
Number = Decimal | float | int | str


class Refused(ValueError):
    """QuickBooks refused the change; `errors` are the Fault's errors."""

    def __init__(self, problem: errors.Invalid) -> None:
        super().__init__(str(problem))
        self.errors = problem.errors

    @property
    def codes(self) -> list[str]:
        return [error.code for error in self.errors]


# --- reading -------------------------------------------------------------------------------


def company(realm_id: str) -> QboCompany:
    return QboCompany.objects.get(realm_id=realm_id)


def _rows(realm_id: str, entity: str, deleted: bool = False) -> list[QboEntity]:
    rows = QboEntity.objects.filter(company__realm_id=realm_id, entity=entity)
    if not deleted:
        rows = rows.filter(deleted_at__isnull=True)
    return list(rows)


def invoices_of(realm_id: str, *, deleted: bool = False) -> list[QboEntity]:
    """The company's invoices, oldest first (deleted ones too with `deleted=True`)."""
    return _rows(realm_id, "Invoice", deleted)


def invoice(realm_id: str, ref: str | int) -> QboEntity:
    """One live invoice by Id, DocNumber or PrivateNote."""
    wanted = str(ref)
    rows = invoices_of(realm_id)
    for field in ("Id", "DocNumber", "PrivateNote"):
        found = [row for row in rows if _field(row, field) == wanted]
        if found:
            return found[-1]
    raise QboEntity.DoesNotExist(f"No invoice {ref} in {realm_id}")


def _field(row: QboEntity, field: str) -> str | None:
    return row.entity_id if field == "Id" else row.data.get(field)


def invoice_json(realm_id: str, ref: str | int) -> Json:
    """The invoice exactly as GET /invoice/{Id} returns it."""
    return render.entity(Books(company(realm_id)), invoice(realm_id, ref))


def customers_of(realm_id: str) -> list[QboEntity]:
    return _rows(realm_id, "Customer")


def items_of(realm_id: str) -> list[QboEntity]:
    return _rows(realm_id, "Item")


def estimates_of(realm_id: str) -> list[QboEntity]:
    return _rows(realm_id, "Estimate")


def payments_of(realm_id: str) -> list[QboEntity]:
    return _rows(realm_id, "Payment")


def employees_of(realm_id: str) -> list[QboEntity]:
    return _rows(realm_id, "Employee")


def time_activities_of(realm_id: str) -> list[QboEntity]:
    return _rows(realm_id, "TimeActivity")


def entity_json(realm_id: str, entity: str, entity_id: str | int) -> Json:
    books = Books(company(realm_id))
    row = books.get(entity, entity_id, deleted=True)
    if row is None:
        raise QboEntity.DoesNotExist(f"No {entity} {entity_id} in {realm_id}")
    return render.entity(books, row)


# --- acting as the bookkeeper ----------------------------------------------------------------


def record_payment(
    realm_id: str,
    invoice_id: str | int,
    amount: Number,
    *,
    on: date | None = None,
    reference: str = "",
) -> QboEntity:
    """A full or partial payment of `amount` against the invoice, into Undeposited Funds."""
    target = invoice(realm_id, invoice_id)
    body: Json = {
        "CustomerRef": target.data["CustomerRef"],
        "TotalAmt": str(amount),
        "Line": [
            {
                "Amount": str(amount),
                "LinkedTxn": [{"TxnId": target.entity_id, "TxnType": "Invoice"}],
            }
        ],
    }
    if on is not None:
        body["TxnDate"] = on.isoformat()
    if reference:
        body["PaymentRefNum"] = reference
    return _act(realm_id, lambda books: writes.save(books, BY_NAME["Payment"], body))


def record_payment_of(
    realm_id: str, shares: dict[str, Number], *, reference: str = ""
) -> QboEntity:
    """One payment settling several invoices of a customer: invoice Id -> amount applied."""
    targets = [invoice(realm_id, invoice_id) for invoice_id in shares]
    body: Json = {
        "CustomerRef": targets[0].data["CustomerRef"],
        "TotalAmt": str(sum(Decimal(str(amount)) for amount in shares.values())),
        "Line": [
            {
                "Amount": str(shares[invoice_id]),
                "LinkedTxn": [{"TxnId": target.entity_id, "TxnType": "Invoice"}],
            }
            for invoice_id, target in zip(shares, targets, strict=True)
        ],
    }
    if reference:
        body["PaymentRefNum"] = reference
    return _act(realm_id, lambda books: writes.save(books, BY_NAME["Payment"], body))


def edit_invoice(
    realm_id: str,
    invoice_id: str | int,
    *,
    private_note: str | None = None,
    due_date: date | None = None,
    description: str | None = None,
    unit_price: Number | None = None,
    qty: Number | None = None,
    line: int = 0,
    lines: dict[int, dict[str, Any]] | None = None,
) -> QboEntity:
    """Change the memo (PrivateNote), due date or item lines (0-based) of an invoice.

    `lines` changes several lines at once: {0: {"Description": "...", "UnitPrice": 90}}.
    A changed quantity or price recomputes the line's Amount, as the screen does.
    """
    target = invoice(realm_id, invoice_id)
    body: Json = {"Id": target.entity_id, "SyncToken": str(target.sync_token), "sparse": True}
    if private_note is not None:
        body["PrivateNote"] = private_note
    if due_date is not None:
        body["DueDate"] = due_date.isoformat()
    changes = dict(lines or {})
    one = {"Description": description, "UnitPrice": unit_price, "Qty": qty}
    one = {key: value for key, value in one.items() if value is not None}
    if one:
        changes[line] = changes.get(line, {}) | one
    if changes:
        body["Line"] = _lines_with(target, changes)
    return _act(realm_id, lambda books: writes.save(books, BY_NAME["Invoice"], body))


def create_customer(realm_id: str, display_name: str, *, email: str = "") -> QboEntity:
    body: Json = {"DisplayName": display_name}
    if email:
        body["PrimaryEmailAddr"] = {"Address": email}
    return _act(realm_id, lambda books: writes.save(books, BY_NAME["Customer"], body))


def create_invoice(realm_id: str, body: Json) -> QboEntity:
    """An invoice typed into QuickBooks by a person; `body` is shaped like the API's."""
    return _act(realm_id, lambda books: writes.save(books, BY_NAME["Invoice"], body))


def add_manual_invoice(
    realm_id: str,
    customer_id: str,
    description: str,
    amount: Number,
    *,
    due_date: date | None = None,
) -> QboEntity:
    """An invoice a bookkeeper keys into QuickBooks for an existing customer: one line
    on the company's first service item (as the invoice screen's default product)."""
    services = [
        row
        for row in items_of(realm_id)
        if row.data.get("Type") == "Service" and row.data.get("Active", True)
    ]
    if not services:
        raise LookupError("The company has no service item to invoice: add one first.")
    line: Json = {
        "DetailType": "SalesItemLineDetail",
        "Amount": str(amount),
        "Description": description,
        "SalesItemLineDetail": {"ItemRef": {"value": services[0].entity_id}},
    }
    body: Json = {"CustomerRef": {"value": str(customer_id)}, "Line": [line]}
    if due_date is not None:
        body["DueDate"] = due_date.isoformat()
    return create_invoice(realm_id, body)


def delete_invoice(realm_id: str, invoice_id: str | int) -> QboEntity:
    target = invoice(realm_id, invoice_id)
    body = {"Id": target.entity_id, "SyncToken": str(target.sync_token)}
    return _act(realm_id, lambda books: writes.delete(books, BY_NAME["Invoice"], body))


def void_invoice(realm_id: str, invoice_id: str | int) -> QboEntity:
    target = invoice(realm_id, invoice_id)
    body = {"Id": target.entity_id, "SyncToken": str(target.sync_token)}
    return _act(realm_id, lambda books: writes.void(books, BY_NAME["Invoice"], body))


def delete_payment(realm_id: str, payment_id: str | int) -> QboEntity:
    books = Books(company(realm_id))
    row = books.get("Payment", payment_id)
    if row is None:
        raise QboEntity.DoesNotExist(f"No payment {payment_id} in {realm_id}")
    body = {"Id": row.entity_id, "SyncToken": str(row.sync_token)}
    return _act(realm_id, lambda books: writes.delete(books, BY_NAME["Payment"], body))


def set_multicurrency(realm_id: str, enabled: bool) -> QboCompany:
    """Switch multicurrency on or off (Preferences.CurrencyPrefs.MultiCurrencyEnabled).
    QuickBooks never lets a company switch it off again; the sandbox does, for tests."""

    def change(books: Books) -> QboCompany:
        books.company.multicurrency = enabled
        books.company.save(update_fields=["multicurrency"])
        if enabled:
            _ensure_currencies(books)
        row = books.get("Preferences", "1")
        if row is not None:
            books.update(row, chart.preferences(books.company))
        return books.company

    return _act(realm_id, change)


def set_duplicate_doc_number_check(realm_id: str, enabled: bool) -> QboCompany:
    def change(books: Books) -> QboCompany:
        books.company.duplicate_doc_number_check = enabled
        books.company.save(update_fields=["duplicate_doc_number_check"])
        row = books.get("Preferences", "1")
        if row is not None:
            books.update(row, chart.preferences(books.company))
        return books.company

    return _act(realm_id, change)


def set_fail_ratio(
    ratio: float,
    seed: int | None = None,
    *,
    delay_seconds: float = 0.0,
    minutes: float | None = None,
) -> QboFault:
    """`ratio` of API calls fail (500s, 429s, writes whose answer is lost); 0 ends it."""
    return faults.flaky_api(ratio, seed, delay_seconds=delay_seconds, minutes=minutes)


# --- plumbing --------------------------------------------------------------------------------


def _ensure_currencies(books: Books) -> None:
    known = {row.data.get("Code") for row in books.all("CompanyCurrency")}
    for code, rate in chart.FOREIGN_CURRENCIES:
        if code != books.company.home_currency and code not in known:
            data = {"Code": code, "Name": code, "Active": True, "_ExchangeRate": rate}
            books.create("CompanyCurrency", data)


def _lines_with(target: QboEntity, changes: dict[int, dict[str, Any]]) -> list[Json]:
    current = [
        line
        for line in target.data.get("Line", [])
        if line.get("DetailType") != "SubTotalLineDetail"
    ]
    sent = [dict(line) for line in current]
    for index, change in changes.items():
        if not 0 <= index < len(sent):
            raise Refused(errors.business(f"Invoice {target.entity_id} has no line {index + 1}"))
        line = sent[index]
        if "Description" in change:
            line["Description"] = change["Description"]
        detail = dict(line.get("SalesItemLineDetail") or {})
        for key in ("Qty", "UnitPrice"):
            if key in change:
                detail[key] = str(change[key])
        if "Amount" in change:
            line["Amount"] = str(change["Amount"])
        elif detail.get("Qty") is not None and detail.get("UnitPrice") is not None:
            line["Amount"] = str(
                money(Decimal(str(detail["Qty"])) * Decimal(str(detail["UnitPrice"])))
            )
        if detail:
            line["SalesItemLineDetail"] = detail
    return sent


def _act(realm_id: str, change: Callable[[Books], T]) -> T:
    with transaction.atomic():
        books = Books(lock(company(realm_id)))
        try:
            with transaction.atomic():
                result = change(books)
        except errors.Invalid as problem:
            raise Refused(problem) from problem
        notifications.notify(books)
    return result


# --- Purchasing ------------------------------------------------------------------------


def vendors_of(realm_id: str) -> list[QboEntity]:
    return _rows(realm_id, "Vendor")


def purchase_orders_of(realm_id: str, *, deleted: bool = False) -> list[QboEntity]:
    return _rows(realm_id, "PurchaseOrder", deleted)


def delete_purchase_order(realm_id: str, order_id: str | int) -> QboEntity:
    """The bookkeeper deletes a purchase order (QuickBooks keeps no voided ones)."""
    row = Books(company(realm_id)).get("PurchaseOrder", order_id)
    if row is None:
        raise QboEntity.DoesNotExist(f"No purchase order {order_id} in {realm_id}")
    body = {"Id": row.entity_id, "SyncToken": str(row.sync_token)}
    return _act(realm_id, lambda books: writes.delete(books, BY_NAME["PurchaseOrder"], body))
