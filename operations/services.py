"""State changes of sales documents: the one place quotes, invoices and payments change.

Views, admin actions and commands call these functions and never set a status,
number or total themselves. That keeps one seam where the outbox event of each
change is written, inside the same transaction (``events.emit``, DESIGN.md "How
data flows"). No Django signals: a side effect is a call here, visible at the call site.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import Max
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from operations import currencies, events, money
from operations.models import (
    Booking,
    CreditNote,
    CreditNoteLine,
    Customer,
    DocumentLine,
    EquipmentItem,
    IncomeCategory,
    Invoice,
    InvoiceLine,
    Payment,
    Project,
    Quote,
    QuoteLine,
    TaxCategory,
)
from tenancy.models import Organisation, TenantModel

INVOICE_PREFIX = "INV-"
QUOTE_PREFIX = "QU-"
CREDIT_NOTE_PREFIX = "CN-"
D = TypeVar("D", Quote, Invoice, CreditNote, Project, Booking)
T = TypeVar("T")
PAYABLE = frozenset({Invoice.Status.ISSUED, Invoice.Status.PARTIALLY_PAID})


class OperationError(Exception):
    """A refused change, with a message fit to show the user as it is.

    ``field`` names the form field the message belongs beside, when there is one.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class LineInput:
    """One priced line as a person entered it, before it belongs to a document."""

    unit_price: Decimal
    tax_category: TaxCategory
    income_category: IncomeCategory
    quantity: Decimal = Decimal("1")
    description: str = ""
    item: EquipmentItem | None = None


@dataclass(frozen=True)
class Totals:
    net: Decimal
    tax: Decimal

    @property
    def total(self) -> Decimal:
        return money.LineAmounts(self.net, self.tax).gross

    @property
    def fits(self) -> bool:
        return money.fits(self.total)


# --- Totals ---------------------------------------------------------------------------


def totals_of(lines: Iterable[DocumentLine]) -> Totals:
    """Net and tax are rounded per line, as the accounting platforms do, then summed.

    Never raises: a document saved before money was bounded still totals (and shows);
    ``fits`` says whether its total can be saved and pushed.
    """
    summed = money.total_of(line.amounts for line in lines)
    return Totals(net=summed.net, tax=summed.tax)


def document_totals(document: Quote | Invoice | CreditNote) -> Totals:
    return totals_of(document.lines.select_related("tax_category"))


def _locked(model: type[D], pk: int) -> D:
    """The row, locked until the transaction ends; a row deleted meanwhile is refused."""
    try:
        row: D = model._default_manager.select_for_update().get(pk=pk)
    except model.DoesNotExist:
        raise OperationError(
            f"This {model._meta.verbose_name} no longer exists: it may have just been deleted."
        ) from None
    return row


# --- Numbering -----------------------------------------------------------------------


def next_number(organisation_id: int, model: type[models.Model], prefix: str) -> str:
    """The next ``PREFIX-0001`` style number of ``model`` in ``organisation``.

    The organisation row is locked FOR NO KEY UPDATE until the caller's transaction
    ends, so two issuers in one organisation take turns while other organisations,
    and inserts that merely reference the organisation, are not blocked. Reading the
    highest existing number (rather than keeping a counter) means numbers entered by
    hand or imported in the same format are never handed out twice.
    """
    locking = Organisation.objects.select_for_update(no_key=True).filter(pk=organisation_id)
    list(locking.values_list("pk", flat=True))
    documents: models.Manager[Any] = model._default_manager
    highest = (
        documents.filter(organisation_id=organisation_id, number__regex=rf"^{prefix}[0-9]{{1,9}}$")
        .annotate(sequence=Cast(Substr("number", len(prefix) + 1), models.IntegerField()))
        .aggregate(highest=Max("sequence"))["highest"]
    )
    return f"{prefix}{(highest or 0) + 1:04d}"


# --- Lines ---------------------------------------------------------------------------


def check_same_organisation(organisation: Organisation, *records: object) -> None:
    # Forms already offer only the organisation's rows; this guards every other caller.
    for record in records:
        if isinstance(record, TenantModel) and record.organisation_id != organisation.pk:
            # Named by kind only: the record's own name belongs to the other tenant.
            kind = record._meta.verbose_name
            raise OperationError(f"That {kind} belongs to another organisation.")


def _bounded(check: Callable[[], T]) -> T:
    """``check``'s result; a bound it finds broken becomes a refusal beside its field."""
    try:
        return check()
    except money.OutOfBounds as error:
        raise OperationError(error.message, field=error.field) from None


def _line_fields(organisation: Organisation, line: LineInput) -> dict[str, object]:
    check_same_organisation(organisation, line.tax_category, line.income_category, line.item)
    _bounded(lambda: money.check_line(line.quantity, line.unit_price, line.tax_category.rate))
    if not (line.description or line.item):
        raise OperationError("Each line needs a description or an item.", field="description")
    return {
        "organisation": organisation,
        "description": line.description,
        "item": line.item,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "tax_category": line.tax_category,
        "income_category": line.income_category,
    }


def line_rows(
    organisation: Organisation, lines: Sequence[LineInput], what: str
) -> list[dict[str, object]]:
    """Each line's fields, once every line and the document's total are within bounds."""
    if not lines:
        raise OperationError(f"Add at least one line to the {what}.")
    rows = [_line_fields(organisation, line) for line in lines]
    amounts = (money.line_amounts(li.quantity, li.unit_price, li.tax_category.rate) for li in lines)
    _bounded(lambda: money.check_total(money.total_of(amounts).gross, what))
    return rows


def _checked_totals(document: Quote | Invoice | CreditNote) -> Totals:
    """The document's totals from its saved lines, refused if they no longer fit (lines
    saved before money was bounded, say) rather than failing to save them."""
    totals = document_totals(document)
    if not totals.fits:
        kind = document._meta.verbose_name
        raise OperationError(
            f"The lines of {kind} {document} come to {money.shown(totals.total)}, more than "
            f"the {money.shown(money.MAX_AMOUNT)} one {kind} can come to. Change its lines "
            f"so each {kind} stays within that."
        )
    return totals


# --- Quotes --------------------------------------------------------------------------


@transaction.atomic
def create_quote(
    customer: Customer,
    lines: Sequence[LineInput],
    *,
    project: Project | None = None,
    issue_date: date | None = None,
    expiry_date: date | None = None,
) -> Quote:
    organisation = customer.organisation
    check_same_organisation(organisation, project)
    rows = line_rows(organisation, lines, "quote")
    quote = Quote(
        organisation=organisation,
        customer=customer,
        project=project,
        currency=customer.currency,
        expiry_date=expiry_date,
        number=next_number(organisation.pk, Quote, QUOTE_PREFIX),
    )
    if issue_date is not None:
        quote.issue_date = issue_date
    quote.save()
    QuoteLine.objects.bulk_create(QuoteLine(quote=quote, **row) for row in rows)
    quote.total = document_totals(quote).total
    quote.save(update_fields=["total", "updated_at"])
    return quote


@transaction.atomic
def approve_quote(quote: Quote) -> Quote:
    locked = _locked(Quote, quote.pk)
    if locked.status != Quote.Status.DRAFT:
        raise OperationError(f"Quote {locked.number} is {locked.get_status_display()}, not Draft.")
    if not locked.lines.exists():
        raise OperationError(f"Quote {locked.number} has no lines to approve.")
    locked.total = _checked_totals(locked).total
    locked.status = Quote.Status.APPROVED
    locked.save(update_fields=["status", "total", "updated_at"])
    events.emit("quote.approved", locked)
    return locked


# --- Invoices ------------------------------------------------------------------------


@transaction.atomic
def create_draft_invoice(
    customer: Customer,
    lines: Sequence[LineInput],
    *,
    project: Project | None = None,
    issue_date: date | None = None,
    due_date: date | None = None,
) -> Invoice:
    organisation = customer.organisation
    check_same_organisation(organisation, project)
    rows = line_rows(organisation, lines, "invoice")
    invoice = Invoice(
        organisation=organisation,
        customer=customer,
        legal_entity_id=customer.legal_entity_id,
        project=project,
        currency=customer.currency,
    )
    invoice.issue_date = issue_date or invoice.issue_date
    invoice.due_date = due_date or invoice.issue_date
    if invoice.due_date < invoice.issue_date:
        raise OperationError("The due date cannot be before the issue date.", field="due_date")
    invoice.save()
    InvoiceLine.objects.bulk_create(InvoiceLine(invoice=invoice, **row) for row in rows)
    recalculate_draft(invoice)
    events.emit("invoice.created", invoice)
    return invoice


def recalculate_draft(invoice: Invoice) -> Invoice:
    """After a draft's lines change: its total, and the amount due, follow the lines."""
    if invoice.status != Invoice.Status.DRAFT:
        raise OperationError(f"Invoice {invoice} is issued; its lines can no longer change.")
    invoice.total = invoice.amount_due = _checked_totals(invoice).total
    invoice.save(update_fields=["total", "amount_due", "updated_at"])
    return invoice


@transaction.atomic
def create_invoice_from_quote(quote: Quote, *, due_date: date | None = None) -> Invoice:
    if quote.status != Quote.Status.APPROVED:
        raise OperationError(f"Quote {quote.number} must be approved before it is invoiced.")
    lines = [
        LineInput(
            description=line.description,
            item=line.item,
            quantity=line.quantity,
            unit_price=line.unit_price,
            tax_category=line.tax_category,
            income_category=line.income_category,
        )
        for line in quote.lines.select_related("item", "tax_category", "income_category")
    ]
    return create_draft_invoice(quote.customer, lines, project=quote.project, due_date=due_date)


@transaction.atomic
def issue_invoice(invoice: Invoice) -> Invoice:
    """Number a draft (INV-0001, INV-0002, … per organisation) and make it payable.

    ``invoice`` is updated in place too, so the caller's object shows the result.
    """
    locked = _locked(Invoice, invoice.pk)
    if locked.status != Invoice.Status.DRAFT:
        raise OperationError(
            f"Invoice {locked} is {locked.get_status_display()}; only a draft can be issued."
        )
    if not locked.lines.exists():
        raise OperationError("This invoice has no lines: add at least one before issuing it.")
    locked.total = locked.amount_due = _checked_totals(locked).total
    locked.number = next_number(locked.organisation_id, Invoice, INVOICE_PREFIX)
    locked.status = Invoice.Status.ISSUED
    locked.save(update_fields=["number", "total", "amount_due", "status", "updated_at"])
    events.emit("invoice.issued", locked)
    _copy_state(locked, invoice)
    return invoice


@transaction.atomic
def amend_issued_invoice(
    invoice: Invoice, *, due_date: date | None = None, lines: Sequence[LineInput] | None = None
) -> Invoice:
    """Change an issued invoice nobody has paid yet (a hire ran a day longer, a date moved).

    Once money is recorded against it, the fix is a credit note and a new invoice.
    """
    locked = _locked(Invoice, invoice.pk)
    if locked.status != Invoice.Status.ISSUED or locked.payments.exists():
        raise OperationError(
            f"Invoice {locked} has payments or is not issued: credit it and invoice again."
        )
    if due_date is not None:
        if due_date < locked.issue_date:
            raise OperationError("The due date cannot be before the issue date.", field="due_date")
        locked.due_date = due_date
    if lines is not None:
        rows = line_rows(locked.organisation, lines, "invoice")
        locked.lines.all().delete()
        InvoiceLine.objects.bulk_create(InvoiceLine(invoice=locked, **row) for row in rows)
    locked.total = locked.amount_due = _checked_totals(locked).total
    locked.save(update_fields=["due_date", "total", "amount_due", "updated_at"])
    events.emit("invoice.updated", locked)
    _copy_state(locked, invoice)
    return invoice


def _status_for(amount_due: Decimal, *, any_payment: bool) -> str:
    # A credit note lowers what is due without the invoice having been paid at all;
    # only when nothing is left to pay is a credited invoice as good as paid.
    if amount_due <= 0:
        return Invoice.Status.PAID
    return Invoice.Status.PARTIALLY_PAID if any_payment else Invoice.Status.ISSUED


def _copy_state(source: Invoice, target: Invoice) -> None:
    for name in ("number", "status", "due_date", "total", "amount_due", "updated_at"):
        setattr(target, name, getattr(source, name))


# --- Payments ------------------------------------------------------------------------


def _check_payment_amount(invoice: Invoice, amount: Decimal) -> None:
    if amount <= 0:
        raise OperationError("Enter an amount greater than zero.", field="amount")
    _bounded(lambda: money.check_amount(amount, field="amount"))
    if amount > invoice.amount_due:
        raise OperationError(
            f"The amount cannot be more than the {invoice.amount_due:,.2f} "
            f"{invoice.currency} still due.",
            field="amount",
        )


@transaction.atomic
def record_payment(
    invoice: Invoice, amount: Decimal, paid_on: date, reference: str = ""
) -> Payment:
    """Record money received; the invoice becomes Partially paid or Paid.

    The invoice row is locked so two payments recorded at once cannot both pass the
    "not more than is due" check against the same stale amount.
    """
    locked = _locked(Invoice, invoice.pk)
    if locked.status not in PAYABLE:
        raise OperationError(
            f"Invoice {locked} is {locked.get_status_display()}; it cannot take payments."
        )
    _check_payment_amount(locked, amount)
    payment = Payment.objects.create(
        organisation_id=locked.organisation_id,
        invoice=locked,
        legal_entity_id=locked.legal_entity_id,
        amount=amount,
        paid_on=paid_on,
        reference=reference,
    )
    locked.amount_due -= amount
    locked.status = _status_for(locked.amount_due, any_payment=True)
    locked.save(update_fields=["amount_due", "status", "updated_at"])
    events.emit("payment.recorded", payment)
    if locked.status == Invoice.Status.PAID:
        events.emit("invoice.paid", locked)
    _copy_state(locked, invoice)
    return payment


@transaction.atomic
def remove_payment(payment: Payment) -> Invoice:
    """Take a payment off its invoice (it was deleted where it was recorded, e.g. a
    receipt deleted in the accounting ledger): what it paid is due again, and the
    invoice is Issued, Partially paid or Paid by what is left."""
    invoice = _locked(Invoice, payment.invoice_id)
    if invoice.status not in PAYABLE | {Invoice.Status.PAID}:
        raise OperationError(
            f"Invoice {invoice} is {invoice.get_status_display()}; its payments stay."
        )
    events.emit("payment.removed", payment)
    Payment.objects.filter(pk=payment.pk).delete()
    invoice.amount_due += payment.amount
    any_payment = invoice.payments.exists()
    invoice.status = _status_for(invoice.amount_due, any_payment=any_payment)
    invoice.save(update_fields=["amount_due", "status", "updated_at"])
    return invoice


# --- Credit notes --------------------------------------------------------------------


@transaction.atomic
def create_credit_note(
    customer: Customer,
    lines: Sequence[LineInput],
    *,
    invoice: Invoice | None = None,
    issue_date: date | None = None,
) -> CreditNote:
    organisation = customer.organisation
    rows = line_rows(organisation, lines, "credit note")
    if invoice is not None and invoice.customer_id != customer.pk:
        raise OperationError("A credit note can only credit an invoice of the same customer.")
    credit_note = CreditNote(
        organisation=organisation,
        customer=customer,
        legal_entity_id=customer.legal_entity_id,
        invoice=invoice,
        currency=customer.currency,
        number=next_number(organisation.pk, CreditNote, CREDIT_NOTE_PREFIX),
    )
    credit_note.issue_date = issue_date or credit_note.issue_date
    credit_note.save()
    CreditNoteLine.objects.bulk_create(
        CreditNoteLine(credit_note=credit_note, **row) for row in rows
    )
    credit_note.total = document_totals(credit_note).total
    credit_note.save(update_fields=["total", "updated_at"])
    return credit_note


@transaction.atomic
def issue_credit_note(credit_note: CreditNote) -> CreditNote:
    """Issue a draft credit note; one against an invoice lowers what is still due on it."""
    locked = _locked(CreditNote, credit_note.pk)
    if locked.status != CreditNote.Status.DRAFT:
        raise OperationError(
            f"Credit note {locked.number} is {locked.get_status_display()}, not Draft."
        )
    if not locked.lines.exists():
        raise OperationError(f"Credit note {locked.number} has no lines to issue.")
    locked.total = _checked_totals(locked).total
    if locked.invoice_id is not None:
        _apply_credit(locked.invoice_id, locked.total)
    locked.status = CreditNote.Status.ISSUED
    locked.save(update_fields=["status", "total", "updated_at"])
    return locked


def _apply_credit(invoice_id: int, amount: Decimal) -> None:
    invoice = _locked(Invoice, invoice_id)
    if invoice.status not in PAYABLE:
        raise OperationError(
            f"Invoice {invoice} is {invoice.get_status_display()}; it cannot be credited."
        )
    if amount > invoice.amount_due:
        raise OperationError(
            f"The credit of {amount:,.2f} {invoice.currency} is more than the "
            f"{invoice.amount_due:,.2f} {invoice.currency} still due on {invoice}."
        )
    invoice.amount_due -= amount
    invoice.status = _status_for(invoice.amount_due, any_payment=invoice.payments.exists())
    invoice.save(update_fields=["amount_due", "status", "updated_at"])
    if invoice.status == Invoice.Status.PAID:
        events.emit("invoice.paid", invoice)


# --- Customers and projects ------------------------------------------------------------

CUSTOMER_FIELDS = frozenset(
    {"name", "email", "billing_address", "currency", "tax_number", "legal_entity"}
)
PROJECT_FIELDS = frozenset({"name", "client", "venue", "starts_at", "ends_at", "notes"})


def _only(allowed: frozenset[str], fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - allowed
    if unknown:
        raise OperationError(f"These fields cannot be set here: {', '.join(sorted(unknown))}.")
    return fields


@transaction.atomic
def _check_currency(fields: dict[str, Any]) -> None:
    code = fields.get("currency")
    if code is not None and not currencies.is_currency(code):
        raise OperationError(
            f"{code or 'An empty value'} is not a currency code the ledgers accept: use a "
            "three-letter ISO 4217 code such as GBP, EUR or USD.",
            field="currency",
        )


def create_customer(organisation: Organisation, **fields: Any) -> Customer:
    check_same_organisation(organisation, fields.get("legal_entity"))
    _check_currency(fields)
    customer = Customer.objects.create(organisation=organisation, **_only(CUSTOMER_FIELDS, fields))
    events.emit("customer.created", customer)
    return customer


@transaction.atomic
def update_customer(customer: Customer, **fields: Any) -> Customer:
    check_same_organisation(customer.organisation, fields.get("legal_entity"))
    _check_currency(fields)
    for name, value in _only(CUSTOMER_FIELDS, fields).items():
        setattr(customer, name, value)
    customer.save()
    return customer


def _check_project_dates(project: Project) -> None:
    if project.ends_at < project.starts_at:
        raise OperationError("A project cannot end before it starts.", field="ends_at")


@transaction.atomic
def create_project(
    organisation: Organisation, *, status: str = Project.Status.ENQUIRY, **fields: Any
) -> Project:
    project = Project(organisation=organisation, status=status, **_only(PROJECT_FIELDS, fields))
    check_same_organisation(organisation, project.client)
    _check_project_dates(project)
    project.save()
    return project


@transaction.atomic
def update_project(project: Project, *, status: str | None = None, **fields: Any) -> Project:
    """Change a project's details and, if given, its status (which emits an event)."""
    locked = _locked(Project, project.pk)
    for name, value in _only(PROJECT_FIELDS, fields).items():
        setattr(locked, name, value)
    check_same_organisation(locked.organisation, locked.client)
    _check_project_dates(locked)
    previous = locked.status
    if status is not None:
        locked.status = status
    locked.save()
    if locked.status != previous:
        events.emit("project.status_changed", locked, previous_status=previous)
    return locked


# --- Equipment leaving and coming back -------------------------------------------------


@transaction.atomic
def check_out_booking(booking: Booking) -> Booking:
    locked = _locked(Booking, booking.pk)
    if locked.checked_out_at is not None:
        raise OperationError(f"{locked.item} was already checked out for this booking.")
    locked.checked_out_at = timezone.now()
    locked.save(update_fields=["checked_out_at", "updated_at"])
    events.emit("equipment.checked_out", locked)
    return locked


@transaction.atomic
def return_booking(booking: Booking) -> Booking:
    locked = _locked(Booking, booking.pk)
    if locked.checked_out_at is None:
        raise OperationError(f"{locked.item} has not been checked out for this booking.")
    if locked.returned_at is not None:
        raise OperationError(f"{locked.item} was already returned for this booking.")
    locked.returned_at = timezone.now()
    locked.save(update_fields=["returned_at", "updated_at"])
    events.emit("equipment.returned", locked)
    return locked
