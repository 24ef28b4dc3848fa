"""Writing invoices and credit notes: one engine, configured per document kind.

PUT creates; POST updates the document named by its ID (or by the URL), else creates.
Numbers (INV-0001, CN-0001) are given when left out and must be unique for sales
documents ("Invoice # must be unique.", the spec's example). A write that changes
nothing leaves UpdatedDateUTC alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from django.db.models import BigIntegerField, Max, QuerySet
from django.db.models.functions import Cast, Substr

from sandbox.core.params import whole_number
from sandbox.xero.accounting import contacts, lines, status
from sandbox.xero.accounting.batch import Invalid, Mode
from sandbox.xero.accounting.context import Books
from sandbox.xero.accounting.dates import today
from sandbox.xero.accounting.models.documents import (
    LineAmountTypes,
    Status,
    XeroCreditNote,
    XeroInvoice,
    XeroLine,
)
from sandbox.xero.accounting.reader import Reader
from sandbox.xero.accounting.responses import Json

D = TypeVar("D", XeroInvoice, XeroCreditNote)
NO_CONTACT = "A Contact must be specified for this type of transaction"
HEADER_FIELDS: tuple[str, ...] = ("type", "contact_id", "reference", "date", "due_date", "status")
HEADER_FIELDS += ("line_amount_types", "currency_code", "sent_to_contact")
LINE_FIELDS: tuple[str, ...] = (
    "line_item_id",
    "description",
    "quantity",
    "unit_amount",
    "item_code",
)
LINE_FIELDS += ("account_code", "tax_type", "discount_rate")


@dataclass(frozen=True)
class Kind(Generic[D]):
    word: str  # "invoice", "credit note"
    model: type[D]
    line_model: type[XeroLine]
    parent: str  # the line's foreign key: "invoice", "credit_note"
    id_field: str  # "invoice_id"
    id_key: str  # "InvoiceID"
    number_field: str  # "invoice_number"
    number_key: str  # "InvoiceNumber"
    prefix: str  # "INV"
    types: tuple[str, ...]
    sales_type: str  # numbered and unique
    render: Callable[[D, list[XeroLine] | None], Json]
    has_money: Callable[[D], bool]

    def rows(self, books: Books) -> QuerySet[D]:
        return self.model.objects.filter(organisation=books.organisation)

    def lines_of(self, document: D) -> list[XeroLine]:
        return list(self.line_model._default_manager.filter(**{self.parent: document}))

    def not_found(self) -> str:
        title = self.word.title()
        return f"An existing {title} with the specified {self.id_key} could not be found"


def write(kind: Kind[D], books: Books, raw: dict[str, Any], mode: Mode, target: str | None) -> Json:
    reader = Reader(raw)
    document, current = _target(kind, books, reader, mode, target)
    old_status = document.status if document.pk else None
    before = _state(document, current)
    _read_header(kind, books, reader, document)
    line_readers = reader.objects("LineItems")
    new_lines = (
        current
        if line_readers is None
        else _read_lines(kind, books, document, line_readers, current)
    )
    _set_totals(books, document, new_lines)
    changed = _state(document, new_lines) != before
    errors = reader.errors + _problems(kind, books, document, new_lines, old_status, changed)
    if errors:
        raise Invalid(errors, kind.render(document, new_lines))
    if document.pk is None or changed:
        _save(kind, books, document, new_lines)
    return kind.render(document, new_lines)


def _target(
    kind: Kind[D], books: Books, reader: Reader, mode: Mode, target: str | None
) -> tuple[D, list[XeroLine]]:
    wanted = target or reader.raw.get(kind.id_key)
    if wanted:
        found = find(kind, books, str(wanted))
        if found is None:
            raise Invalid([kind.not_found()], kind.render(_new(kind, books), []))
        if mode is Mode.CREATE and target is None:
            message = (
                f"{kind.word.capitalize()} {wanted} already exists: PUT only creates, POST updates."
            )
            raise Invalid([message], kind.render(found, None))
        return found, kind.lines_of(found)
    return _new(kind, books), []


def find(kind: Kind[D], books: Books, ref: str) -> D | None:
    """By ID, or else by number (Xero accepts either in the URL)."""
    rows = kind.rows(books)
    try:
        return rows.filter(**{kind.id_field: uuid.UUID(ref)}).first()
    except ValueError:
        return rows.filter(**{kind.number_field: ref}).exclude(status=Status.DELETED).first()


def _new(kind: Kind[D], books: Books) -> D:
    document = kind.model(organisation=books.organisation, date=today(), updated_at=books.now)
    document.currency_code = books.organisation.base_currency
    document.created_by = books.client_id
    return document


def _read_header(kind: Kind[D], books: Books, reader: Reader, document: D) -> None:
    _read_type_and_contact(kind, books, reader, document)
    for key, attribute in (("Reference", "reference"), (kind.number_key, kind.number_field)):
        value = reader.text(key, 255)
        if value is not None:
            setattr(document, attribute, value)
    for key, attribute in (("Date", "date"), ("DueDate", "due_date")):
        day = reader.day(key)
        if day is not None:
            setattr(document, attribute, day)
    amount_types = reader.choice("LineAmountTypes", [choice.value for choice in LineAmountTypes])
    document.line_amount_types = amount_types or document.line_amount_types
    currency = reader.text("CurrencyCode", 3)
    document.currency_code = currency.upper() if currency else document.currency_code
    new_status = reader.choice("Status", [choice.value for choice in Status])
    document.status = new_status or document.status
    sent = reader.flag("SentToContact")
    document.sent_to_contact = document.sent_to_contact if sent is None else sent


def _read_type_and_contact(kind: Kind[D], books: Books, reader: Reader, document: D) -> None:
    if document.pk is None:
        document.type = reader.choice("Type", list(kind.types)) or ""
        if not document.type and not reader.has("Type"):
            reader.errors.append(f"The {kind.word} Type must be one of {', '.join(kind.types)}.")
    contact = contacts.for_document(books, reader.obj("Contact"))
    if contact is not None:
        document.contact = contact
    elif document.pk is None and not reader.has("Contact"):
        reader.errors.append(NO_CONTACT)


def _read_lines(
    kind: Kind[D], books: Books, document: D, readers: list[Reader], current: list[XeroLine]
) -> list[XeroLine]:
    sales = document.type.startswith("ACCREC")
    return lines.read_lines(books, readers, current, kind.line_model, sales)


def _set_totals(books: Books, document: D, found: list[XeroLine]) -> None:
    totals = lines.compute(books, found, document.line_amount_types)
    document.sub_total, document.total_tax, document.total = (
        totals.sub_total,
        totals.total_tax,
        totals.total,
    )


def _problems(
    kind: Kind[D],
    books: Books,
    document: D,
    found: list[XeroLine],
    old_status: str | None,
    changed: bool,
) -> list[str]:
    problems = status.problems(
        kind.word, old_status, document.status, changed, _money(kind, document)
    )
    problems += lines.line_problems(books, found)
    if document.currency_code != books.organisation.base_currency:
        problems.append(f"Organisation is not subscribed to currency {document.currency_code}")
    if document.status in status.APPROVED and document.status != old_status:
        problems += _approval_problems(kind, document, found)
    return problems + _number_problems(kind, books, document)


def _money(kind: Kind[D], document: D) -> bool:
    return document.pk is not None and kind.has_money(document)


def _approval_problems(kind: Kind[D], document: D, found: list[XeroLine]) -> list[str]:
    problems: list[str] = []
    if not found:
        problems.append(f"An approved {kind.word} must have at least one line item.")
    if any(line.line_amount and not line.account_code for line in found):
        problems.append("Each line item with an amount must have an AccountCode.")
    if isinstance(document, XeroInvoice) and document.due_date is None:
        problems.append("Due Date is required.")
    return problems


def _number_problems(kind: Kind[D], books: Books, document: D) -> list[str]:
    number = getattr(document, kind.number_field)
    if document.type != kind.sales_type or not number:
        return []
    same = kind.rows(books).filter(**{kind.number_field: number, "type": kind.sales_type})
    same = same.exclude(status=Status.DELETED)
    if document.pk is not None:
        same = same.exclude(pk=document.pk)
    if not same.exists():
        return []
    label = "Invoice" if kind.prefix == "INV" else "Credit Note"
    return [f"{label} # must be unique."]


def _save(kind: Kind[D], books: Books, document: D, found: list[XeroLine]) -> None:
    if document.contact.pk is None:
        document.contact.save()
        document.contact = document.contact  # picks up the new contact's key
    if not getattr(document, kind.number_field) and document.type == kind.sales_type:
        setattr(document, kind.number_field, next_number(kind, books))
    _note_number(kind, books, getattr(document, kind.number_field))
    document.updated_at = books.now
    document.save()
    kept = [line.pk for line in found if line.pk is not None]
    kind.line_model._default_manager.filter(**{kind.parent: document}).exclude(pk__in=kept).delete()
    for line in found:
        setattr(line, kind.parent, document)
    fresh = [line for line in found if line.pk is None]
    changed = [line for line in found if line.pk is not None]
    kind.line_model._default_manager.bulk_create(fresh)
    if changed:
        fields = [*LINE_FIELDS[1:], "position", "tax_amount", "line_amount"]
        kind.line_model._default_manager.bulk_update(changed, fields)


def next_number(kind: Kind[D], books: Books) -> str:
    """One past the highest PREFIX-NNNN number the organisation has used."""
    if kind.prefix not in books.highest_numbers:
        pattern = rf"^{kind.prefix}-[0-9]{{1,15}}$"
        numbered = kind.rows(books).filter(**{f"{kind.number_field}__regex": pattern})
        start = len(kind.prefix) + 2
        top = Max(Cast(Substr(kind.number_field, start), BigIntegerField()))
        books.highest_numbers[kind.prefix] = numbered.aggregate(top=top)["top"] or 0
    return f"{kind.prefix}-{books.highest_numbers[kind.prefix] + 1:04d}"


def _note_number(kind: Kind[D], books: Books, number: str) -> None:
    """Keep the request's counter past numbers given explicitly (INV-0099)."""
    prefix, _, digits = number.partition("-")
    counter = whole_number(digits)
    if prefix == kind.prefix and counter is not None and kind.prefix in books.highest_numbers:
        books.highest_numbers[kind.prefix] = max(books.highest_numbers[kind.prefix], counter)


def _state(document: D, found: list[XeroLine]) -> tuple[Any, ...]:
    """What a write may change, compared by value (85.00 and 85.0000 are the same price)."""
    header: tuple[Any, ...] = tuple(_plain(getattr(document, name, None)) for name in HEADER_FIELDS)
    number = getattr(document, "invoice_number", getattr(document, "credit_note_number", ""))
    body = tuple(tuple(_plain(getattr(line, name)) for name in LINE_FIELDS) for line in found)
    return (*header, number, body)


def _plain(value: Any) -> Any:
    return value.normalize() if isinstance(value, Decimal) else value
