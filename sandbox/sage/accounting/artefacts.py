"""Sales invoices and sales credit notes: artefacts with lines, totals and a status.

https://developer.sage.com/accounting/guides/concepts/invoicing
- Created with `contact_id`, `date` and lines (`invoice_lines` / `credit_note_lines`);
  each line needs `description`, `ledger_account_id` (an income account) and
  `unit_price`, which a `service_id` or `product_id` fills in when left out.
- `status_id: "DRAFT"` creates a draft; without it the artefact is released (UNPAID)
  and numbered (SI-1, SCN-1). `POST /{key}/release` releases a draft. Drafts carry no
  number until released (unconfirmed at Sage: clients must cope with a null number).
- Only DRAFT and UNPAID artefacts that are not VAT-reconciled can be edited
  (`editable`). Lines on PUT follow nested-attribute rules: a line with its `id` is
  changed, one without is added, `"_destroy": true` removes one, lines left out stay.
- DELETE removes a draft (204; `deleted_since` lists it) and voids anything else, which
  needs `void_reason` (200 with the void artefact); paid or part-paid ones cannot be voided.
- GET of one artefact marks it as sent unless `mark_as_sent=false` (the Swagger's
  default is true), which moves `updated_at` the first time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.http import HttpResponse, JsonResponse, QueryDict
from django.urls import reverse

from sandbox.sage.accounting import amounts, lookups
from sandbox.sage.accounting.contacts import contact_link
from sandbox.sage.accounting.context import Books, Invalid
from sandbox.sage.accounting.items import item_link
from sandbox.sage.accounting.reference import currency_link, ledger_account_link, tax_rate_link
from sandbox.sage.accounting.resources import Resource, register
from sandbox.sage.accounting.wire import Json, amount, day, link, timestamp
from sandbox.sage.models import (
    SageContact,
    SageCreditNoteLine,
    SageInvoiceLine,
    SageItem,
    SageLedgerAccount,
    SageSalesCreditNote,
    SageSalesInvoice,
    SageTaxRate,
    Status,
)
from sandbox.sage.models.books import SageArtefact, SageLine

DEFAULT_CREDIT_DAYS = 30
VAT_RECONCILED = "You cannot edit VAT reconciled transactions."


@dataclass(frozen=True)
class Kind:
    collection: str
    singular: str
    model: type[SageArtefact]
    line_model: type[SageLine]
    parent: str  # the line's foreign key to the artefact
    lines_field: str
    number_field: str
    prefix: str
    transaction_type: str
    label: str


INVOICE = Kind(
    "sales_invoices",
    "sales_invoice",
    SageSalesInvoice,
    SageInvoiceLine,
    "invoice",
    "invoice_lines",
    "invoice_number",
    "SI-",
    "SALES_INVOICE",
    "invoice",
)
CREDIT_NOTE = Kind(
    "sales_credit_notes",
    "sales_credit_note",
    SageSalesCreditNote,
    SageCreditNoteLine,
    "credit_note",
    "credit_note_lines",
    "credit_note_number",
    "SCN-",
    "SALES_CREDIT_NOTE",
    "credit note",
)


def kind_of(row: SageArtefact) -> Kind:
    return INVOICE if isinstance(row, SageSalesInvoice) else CREDIT_NOTE


def displayed(row: SageArtefact) -> str:
    return row.number or "Draft"


def artefact_link(row: SageArtefact) -> Json:
    return link(kind_of(row).collection, row.guid, displayed(row))


# --- reading ------------------------------------------------------------------------


def render(row: SageArtefact) -> Json:
    kind = kind_of(row)
    body = artefact_link(row) | {
        "created_at": timestamp(row.created_at),
        "updated_at": timestamp(row.updated_at),
        "deleted_at": timestamp(row.deleted_at),
        "editable": row.editable,
        "transaction_type": link(
            "transaction_types", kind.transaction_type, kind.transaction_type.title()
        ),
        "contact": contact_link(row.contact),
        kind.number_field: row.number or None,
        "contact_name": row.contact_name,
        "contact_reference": row.contact_reference or None,
        "date": day(row.date),
    }
    if isinstance(row, SageSalesInvoice):
        body["due_date"] = day(row.due_date)
    paid = row.total_amount - row.outstanding_amount if row.status != Status.VOID else 0
    return body | {
        "reference": row.reference or None,
        "notes": row.notes or None,
        "net_amount": amount(row.net_amount),
        "tax_amount": amount(row.tax_amount),
        "total_amount": amount(row.total_amount),
        "total_paid": float(paid),
        "outstanding_amount": amount(row.outstanding_amount),
        "currency": currency_link(row.currency),
        "exchange_rate": 1.0,
        "status": link("artefact_statuses", row.status, Status(row.status).label),
        "sent": row.sent,
        "void_reason": row.void_reason or None,
        "tax_reconciled": row.tax_reconciled,
        "links": [{"href": _console_link(row), "rel": "alternate", "type": "text/html"}],
        kind.lines_field: [_render_line(line) for line in row.lines.all()],  # type: ignore[attr-defined]
    }


def _console_link(row: SageArtefact) -> str:
    """Sage lists a record's page in its web app among its `links`; here the console's."""
    page = reverse("sandbox:sage:console")
    business = row.business.guid
    query = f"?business={business}&invoice={row.guid}#invoice-heading"
    return f"{settings.PUBLIC_BASE_URL}{page}{query}"


def _render_line(line: SageLine) -> Json:
    item = line.item
    return {
        "id": line.guid,
        "displayed_as": line.description,
        "description": line.description,
        "product": item_link(item) if item and item.kind == SageItem.Kind.PRODUCT else None,
        "service": item_link(item) if item and item.kind == SageItem.Kind.SERVICE else None,
        "ledger_account": ledger_account_link(line.ledger_account),
        "quantity": amount(line.quantity),
        "unit_price": amount(line.unit_price),
        "unit_price_includes_tax": False,
        "discount_amount": amount(line.discount_amount),
        "net_amount": amount(line.net_amount),
        "tax_rate": tax_rate_link(line.tax_rate),
        "tax_amount": amount(line.tax_amount),
        "total_amount": amount(line.total_amount),
    }


def mark_as_sent(books: Books, row: SageArtefact, query: QueryDict) -> None:
    if query.get("mark_as_sent", "true").lower() == "false":
        return
    if row.sent or row.status in (Status.DRAFT, Status.VOID):
        return
    row.sent = True
    row.updated_at = books.now
    row.save(update_fields=["sent", "updated_at"])


# --- writing --------------------------------------------------------------------------


def _creator(kind: Kind) -> Any:
    def create(books: Books, payload: Json) -> SageArtefact:
        status = payload.get("status_id")
        if status not in (None, "", Status.DRAFT):
            raise Invalid(("must be DRAFT or left out", "status_id"))
        row = kind.model(
            business=books.business,
            currency=books.business.currency,
            status=Status.DRAFT if status == Status.DRAFT else Status.UNPAID,
            created_by=books.client_id,
            created_at=books.now,
        )
        _apply_header(books, row, payload, creating=True)
        lines = payload.get(kind.lines_field)
        if not isinstance(lines, list) or not lines:
            raise Invalid((lookups.REQUIRED, kind.lines_field))
        row.updated_at = books.now
        row.save()
        _write_lines(books, kind, row, lines)
        if row.status != Status.DRAFT:
            _number(books, kind, row)
        _save_totals(row)
        return row

    return create


def update(books: Books, row: SageArtefact, payload: Json) -> SageArtefact:
    _check_editable(row)
    kind = kind_of(row)
    _apply_header(books, row, payload, creating=False)
    lines = payload.get(kind.lines_field)
    if lines is not None:
        if not isinstance(lines, list):
            raise Invalid(("must be a list", kind.lines_field))
        _write_lines(books, kind, row, lines)
        _forget_lines(row)
    row.updated_at = books.now
    row.save()
    _save_totals(row)
    if not row.lines.exists():  # type: ignore[attr-defined]
        raise Invalid((lookups.REQUIRED, kind.lines_field))
    return row


def _check_editable(row: SageArtefact) -> None:
    if row.tax_reconciled:
        raise Invalid((VAT_RECONCILED, "base"))
    if not row.editable:
        label = kind_of(row).label
        raise Invalid((f"This {label} cannot be edited once paid, part-paid or void.", "base"))


def _apply_header(books: Books, row: SageArtefact, payload: Json, *, creating: bool) -> None:
    contact = lookups.record(SageContact, books, payload, "contact_id", required=creating)
    if contact is not None:
        row.contact = contact
        row.contact_name = contact.name
        row.contact_reference = contact.reference
    when = lookups.day(payload, "date", required=creating)
    if when is not None:
        row.date = when
    if isinstance(row, SageSalesInvoice):
        due = lookups.day(payload, "due_date")
        if due is not None:
            row.due_date = due
        elif creating:
            row.due_date = row.date + timedelta(days=DEFAULT_CREDIT_DAYS)
        if row.due_date is not None and row.due_date < row.date:
            raise Invalid(("must be on or after the invoice date", "due_date"))
    for field, limit in (("reference", 25), ("notes", 2000)):
        value = lookups.text(payload, field, limit=limit)
        if value is not None:
            setattr(row, field, value)
    if isinstance(row, SageSalesCreditNote) and payload.get("original_invoice_id"):
        row.original_invoice = lookups.record(
            SageSalesInvoice, books, payload, "original_invoice_id"
        )


def _write_lines(books: Books, kind: Kind, row: SageArtefact, sent: list[Any]) -> None:
    existing = {line.guid: line for line in row.lines.all()}  # type: ignore[attr-defined]
    position = max((line.position for line in existing.values()), default=-1) + 1
    for index, raw in enumerate(sent):
        if not isinstance(raw, dict):
            raise Invalid(("must be a list of objects", kind.lines_field))
        line = existing.get(str(raw.get("id", "")))
        if raw.get("id") and line is None:
            raise Invalid(("is not a line of this artefact", f"{kind.lines_field}.id"))
        if line is not None and raw.get("_destroy") is True:
            line.delete()
            continue
        if line is None:
            line = kind.line_model(position=position + index, **{kind.parent: row})
        _apply_line(books, kind, line, raw, creating=line.pk is None)
        line.save()


def _apply_line(books: Books, kind: Kind, line: SageLine, raw: Json, *, creating: bool) -> None:
    source = kind.lines_field
    item = lookups.record(SageItem, books, raw, "service_id", source=f"{source}.service_id")
    item = item or lookups.record(SageItem, books, raw, "product_id", source=f"{source}.product_id")
    if item is not None:
        line.item = item
    description = lookups.text(raw, "description", limit=2000)
    if description is not None or creating:
        line.description = description or (item.description if item else "")
        if not line.description:
            raise Invalid((lookups.REQUIRED, f"{source}.description"))
    account = lookups.record(
        SageLedgerAccount, books, raw, "ledger_account_id", source=f"{source}.ledger_account_id"
    )
    if account is None and creating:
        account = item.sales_ledger_account if item else None
    if account is not None:
        if not account.visible_in_sales:
            raise Invalid(
                ("must be a sales (income) ledger account", f"{source}.ledger_account_id")
            )
        line.ledger_account = account
    elif creating:
        raise Invalid((lookups.REQUIRED, f"{source}.ledger_account_id"))
    _apply_line_numbers(line, raw, item, source, creating=creating)
    rate = lookups.record(SageTaxRate, books, raw, "tax_rate_id", source=f"{source}.tax_rate_id")
    if rate is None and creating:
        rate = item.sales_tax_rate if item else None
    if rate is not None:
        line.tax_rate = rate
    elif creating:
        # VAT-registered UK and Irish businesses: every line names its rate.
        raise Invalid((lookups.REQUIRED, f"{source}.tax_rate_id"))
    amounts.price_line(line, line.tax_rate)


def _apply_line_numbers(
    line: SageLine, raw: Json, item: SageItem | None, source: str, *, creating: bool
) -> None:
    price = lookups.decimal(raw, "unit_price", source=f"{source}.unit_price")
    if price is None and creating:
        if item is None:
            raise Invalid((lookups.REQUIRED, f"{source}.unit_price"))
        price = item.price
    if price is not None:
        line.unit_price = price
    quantity = lookups.decimal(raw, "quantity", source=f"{source}.quantity")
    if quantity is not None:
        line.quantity = quantity
    discount = lookups.decimal(raw, "discount_amount", source=f"{source}.discount_amount")
    if discount is not None:
        line.discount_amount = discount


def _forget_lines(row: SageArtefact) -> None:
    """Lines prefetched with the listing are stale once lines were written."""
    cache = getattr(row, "_prefetched_objects_cache", {})
    cache.pop("lines", None)


def _save_totals(row: SageArtefact) -> None:
    amounts.total_up(row, list(row.lines.all()))  # type: ignore[attr-defined]
    amounts.refresh_outstanding(row)
    row.save()


def _number(books: Books, kind: Kind, row: SageArtefact) -> None:
    highest = kind.model._default_manager.filter(business=books.business).aggregate(
        top=Max("sequence")
    )
    row.sequence = (highest["top"] or 0) + 1
    row.number = f"{kind.prefix}{row.sequence}"


def release(books: Books, row: SageArtefact) -> HttpResponse:
    if row.status != Status.DRAFT:
        raise Invalid((f"Only a draft {kind_of(row).label} can be released.", "status_id"))
    row.status = Status.UNPAID
    _number(books, kind_of(row), row)
    row.updated_at = books.now
    _save_totals(row)
    return JsonResponse(render(row), status=201)


def delete(books: Books, row: SageArtefact, query: QueryDict) -> HttpResponse:
    if row.status == Status.DRAFT:
        row.deleted_at = books.now
        row.updated_at = books.now
        row.save(update_fields=["deleted_at", "updated_at"])
        return HttpResponse(status=204)
    reason = query.get("void_reason", "").strip()
    if not reason:
        raise Invalid((lookups.REQUIRED, "void_reason"))
    if row.status == Status.VOID:
        raise Invalid((f"The {kind_of(row).label} is already void.", "status_id"))
    if amounts.settled(row) > 0:
        raise Invalid(("Remove the payments and allocations before voiding.", "base"))
    if row.tax_reconciled:
        raise Invalid((VAT_RECONCILED, "base"))
    row.status = Status.VOID
    row.void_reason = reason[:255]
    row.outstanding_amount = amounts.ZERO
    row.updated_at = books.now
    row.save()
    return JsonResponse(render(row))


def filters(rows: QuerySet[Any], query: QueryDict) -> QuerySet[Any]:
    contact = query.get("contact_id", "")
    if contact:
        rows = rows.filter(contact__guid=contact)
    status = query.get("status_id", "")
    if status:
        rows = rows.filter(status__in=status.split(","))
    search = query.get("search", "").strip()
    if search:
        rows = rows.filter(
            Q(reference__icontains=search)
            | Q(contact_name__icontains=search)
            | Q(number__iexact=search)
        )
    for name, lookup in (("from_date", "date__gte"), ("to_date", "date__lte")):
        raw = query.get(name, "")
        if raw:
            when = lookups.day({name: raw}, name)
            rows = rows.filter(**{lookup: when})
    return rows


def _rows(kind: Kind) -> Any:
    def rows(books: Books) -> QuerySet[Any]:
        found: QuerySet[Any] = kind.model._default_manager.filter(business=books.business)
        return found.select_related("contact", "business").prefetch_related(
            "lines__item", "lines__ledger_account", "lines__tax_rate"
        )

    return rows


SORTS = frozenset({"created_at", "updated_at", "date"})

SALES_INVOICES = register(
    Resource(
        name=INVOICE.collection,
        singular=INVOICE.singular,
        rows=_rows(INVOICE),
        render=render,
        create=_creator(INVOICE),
        update=update,
        delete=delete,
        filters=filters,
        sorts=SORTS | {"due_date"},
        on_read=mark_as_sent,
    )
)
SALES_CREDIT_NOTES = register(
    Resource(
        name=CREDIT_NOTE.collection,
        singular=CREDIT_NOTE.singular,
        rows=_rows(CREDIT_NOTE),
        render=render,
        create=_creator(CREDIT_NOTE),
        update=update,
        delete=delete,
        filters=filters,
        sorts=SORTS,
        on_read=mark_as_sent,
    )
)
