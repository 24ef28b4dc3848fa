"""The rental business's own records: what the integrations sync, publish and schedule."""

from __future__ import annotations

from decimal import Context, Decimal
from functools import cached_property
from typing import Any, TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from operations import money
from operations.currencies import validate_currency
from operations.money import CENT as CENT  # re-exported: callers import it from here
from operations.money import ZERO as ZERO
from tenancy.models import TenantModel


class _MoneyDigits(TypedDict):
    max_digits: int
    decimal_places: int


MONEY: _MoneyDigits = {"max_digits": money.MONEY_DIGITS, "decimal_places": money.MONEY_PLACES}


class MoneyField(models.DecimalField):  # type: ignore[type-arg]
    """An amount column, ``numeric(14, 2)``, that reading never fails on.

    Django's SQLite backend (the ``make run`` default) rounds each value read to the
    column's ``max_digits`` of precision, raising InvalidOperation when a row holds more:
    and SQLite keeps whatever was written, as rows saved before money was bounded did.
    Read with room to spare, such a row loads, shows, and is refused where it matters
    (issuing, pushing) instead of taking every page of its organisation down.
    """

    @cached_property
    def context(self) -> Context:
        return Context(prec=money.READ_DIGITS)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, float):  # as DecimalField: a float keeps max_digits digits
            value = Context(prec=self.max_digits).create_decimal_from_float(value)
        return super().to_python(value)


def today() -> object:
    return timezone.localdate()


class TimestampedTenantModel(TenantModel):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


# --- Categories --------------------------------------------------------------------


class IncomeCategory(TimestampedTenantModel):
    name = models.CharField(max_length=120)
    code = models.CharField(max_length=30, blank=True)

    class Meta:
        verbose_name_plural = "income categories"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="income_category_name")
        ]

    def __str__(self) -> str:
        return self.name


class ExpenseCategory(TimestampedTenantModel):
    name = models.CharField(max_length=120)
    code = models.CharField(max_length=30, blank=True)

    class Meta:
        verbose_name_plural = "expense categories"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="expense_category_name")
        ]

    def __str__(self) -> str:
        return self.name


class TaxCategory(TimestampedTenantModel):
    name = models.CharField(max_length=120)
    rate = models.DecimalField(
        max_digits=6, decimal_places=3, validators=[MinValueValidator(ZERO)], help_text="Percent"
    )

    class Meta:
        verbose_name_plural = "tax categories"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="tax_category_name")
        ]

    def __str__(self) -> str:
        # normalize() alone would print 20 as "2E+1".
        return f"{self.name} ({self.rate.normalize():f}%)"


# --- Legal entities ------------------------------------------------------------------


class LegalEntity(TimestampedTenantModel):
    """One company of a group that trades as several (a US and a UK company, say), each
    with its own books. An organisation without entities trades as one: records then
    carry no entity and everything behaves as if this model did not exist."""

    name = models.CharField(max_length=200)
    base_currency = models.CharField(
        max_length=3, default="GBP", help_text="ISO 4217 code", validators=[validate_currency]
    )

    class Meta:
        verbose_name_plural = "legal entities"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="legal_entity_name")
        ]

    def __str__(self) -> str:
        return self.name


# --- Customers and equipment ---------------------------------------------------------


class Customer(TimestampedTenantModel):
    name = models.CharField(max_length=200)
    # The legal entity it belongs to; null when the organisation has none.
    legal_entity = models.ForeignKey(
        LegalEntity, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(blank=True)
    billing_address = models.TextField(blank=True)
    currency = models.CharField(
        max_length=3, default="GBP", help_text="ISO 4217 code", validators=[validate_currency]
    )
    tax_number = models.CharField(max_length=50, blank=True)
    # A company the business sub-hires gear from: it can be named on purchase orders
    # (and is a vendor in ledgers that keep vendors apart from customers, QuickBooks).
    is_supplier = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["organisation", "name"])]

    def __str__(self) -> str:
        return self.name


class EquipmentCategory(TimestampedTenantModel):
    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public"
        INTERNAL = "internal", "Internal"

    name = models.CharField(max_length=120)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )

    class Meta:
        verbose_name_plural = "equipment categories"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EquipmentItem(TimestampedTenantModel):
    category = models.ForeignKey(EquipmentCategory, on_delete=models.PROTECT, related_name="items")
    name = models.CharField(max_length=200)
    sku = models.CharField(max_length=60, blank=True)
    description = models.TextField(blank=True)
    stock_quantity = models.PositiveIntegerField(default=1)
    daily_rate = MoneyField(**MONEY, default=ZERO)
    sold_as_stock = models.BooleanField(
        default=False,
        help_text=(
            "Consumable stock sold to customers, not hired out. A ledger that tracks "
            "inventory (QuickBooks) holds it as an inventory item with its quantity."
        ),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# --- Projects, crew, bookings -----------------------------------------------------------


class Project(TimestampedTenantModel):
    class Status(models.TextChoices):
        ENQUIRY = "enquiry", "Enquiry"
        CONFIRMED = "confirmed", "Confirmed"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    name = models.CharField(max_length=200)
    client = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="projects")
    venue = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ENQUIRY)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="project_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CrewAssignment(TimestampedTenantModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="crew_assignments"
    )
    role = models.CharField(max_length=120, help_text="e.g. Sound engineer, Rigger")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="assignment_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.project}"


class Booking(TimestampedTenantModel):
    item = models.ForeignKey(EquipmentItem, on_delete=models.CASCADE, related_name="bookings")
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="bookings"
    )
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    starts_on = models.DateField()
    ends_on = models.DateField()
    # The gear leaving the warehouse and coming back (operations.services sets both).
    checked_out_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="booking_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | Q(checked_out_at__isnull=False),
                name="booking_returned_after_check_out",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.item} ({self.starts_on} to {self.ends_on})"


class Repair(TimestampedTenantModel):
    """Units of an item away for repair: not available to hire while they are out."""

    item = models.ForeignKey(EquipmentItem, on_delete=models.CASCADE, related_name="repairs")
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    starts_on = models.DateField()
    # Blank while nobody knows when the units come back: they stay out until it is set.
    ends_on = models.DateField(null=True, blank=True)
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="repair_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.item} in repair from {self.starts_on}"


# --- Sales documents --------------------------------------------------------------------


class DocumentLine(TenantModel):
    """One priced line of a quote, invoice or credit note (it carries its organisation too).

    Amounts round half up to the penny per line, as invoices conventionally do (and as
    HMRC allows for VAT), rather than Python's default round-half-to-even. What a line
    may hold, and come to, is bounded in ``operations.money``.
    """

    item = models.ForeignKey(EquipmentItem, on_delete=models.PROTECT, null=True, blank=True)
    description = models.CharField(max_length=300, blank=True)
    quantity = models.DecimalField(
        max_digits=money.QUANTITY_DIGITS,
        decimal_places=money.QUANTITY_PLACES,
        default=Decimal("1"),
        validators=[MinValueValidator(money.MIN_QUANTITY)],
    )
    unit_price = MoneyField(**MONEY, validators=[MinValueValidator(ZERO)])
    tax_category = models.ForeignKey(TaxCategory, on_delete=models.PROTECT)
    income_category = models.ForeignKey(IncomeCategory, on_delete=models.PROTECT)

    class Meta:
        abstract = True
        ordering = ["pk"]

    @property
    def amounts(self) -> money.LineAmounts:
        """Net and tax; never raises, even for a line saved before the bounds existed."""
        return money.line_amounts(self.quantity, self.unit_price, self.tax_category.rate)

    @property
    def net_amount(self) -> Decimal:
        return money.net_of(self.quantity, self.unit_price)  # needs no tax category

    @property
    def tax_amount(self) -> Decimal:
        return self.amounts.tax

    @property
    def fits(self) -> bool:
        """Whether what the line comes to can be pushed to a ledger."""
        return money.fits(self.amounts.gross)

    def clean(self) -> None:
        super().clean()
        if self.quantity is None or self.unit_price is None or self.tax_category_id is None:
            return  # the missing field has its own error
        try:
            money.check_line(self.quantity, self.unit_price, self.tax_category.rate)
        except money.OutOfBounds as error:
            raise ValidationError({error.field: error.message}) from None

    @property
    def label(self) -> str:
        return self.description or (self.item.name if self.item else "")


class Quote(TimestampedTenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"

    number = models.CharField(max_length=30)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="quotes")
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="quotes"
    )
    currency = models.CharField(max_length=3, default="GBP", validators=[validate_currency])
    issue_date = models.DateField(default=today)
    expiry_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    total = MoneyField(**MONEY, default=ZERO)

    class Meta:
        ordering = ["-issue_date", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="quote_number")
        ]

    def __str__(self) -> str:
        return self.number


class QuoteLine(DocumentLine):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")


class Invoice(TimestampedTenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ISSUED = "issued", "Issued"
        PARTIALLY_PAID = "partially_paid", "Partially paid"
        PAID = "paid", "Paid"
        VOID = "void", "Void"

    number = models.CharField(max_length=30, blank=True, help_text="Assigned when issued")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="invoices")
    # The legal entity it belongs to (its customer's); null when the organisation has none.
    legal_entity = models.ForeignKey(
        LegalEntity, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="invoices"
    )
    currency = models.CharField(max_length=3, default="GBP", validators=[validate_currency])
    issue_date = models.DateField(default=today)
    due_date = models.DateField(default=today)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    total = MoneyField(**MONEY, default=ZERO)
    amount_due = MoneyField(**MONEY, default=ZERO)

    class Meta:
        ordering = ["-issue_date", "-pk"]
        indexes = [models.Index(fields=["organisation", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"],
                condition=~Q(number=""),
                name="invoice_number",
            )
        ]

    def __str__(self) -> str:
        return self.number or f"Draft invoice #{self.pk}"


class InvoiceLine(DocumentLine):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")


class Payment(TimestampedTenantModel):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    # The legal entity it belongs to (its invoice's); null when the organisation has none.
    legal_entity = models.ForeignKey(
        LegalEntity, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount = MoneyField(**MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    paid_on = models.DateField(default=today)
    reference = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-paid_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.amount} on {self.invoice}"


class CreditNote(TimestampedTenantModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ISSUED = "issued", "Issued"
        VOID = "void", "Void"

    number = models.CharField(max_length=30)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="credit_notes")
    # The legal entity it belongs to (its customer's); null when the organisation has none.
    legal_entity = models.ForeignKey(
        LegalEntity, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.SET_NULL, null=True, blank=True, related_name="credit_notes"
    )
    currency = models.CharField(max_length=3, default="GBP", validators=[validate_currency])
    issue_date = models.DateField(default=today)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    total = MoneyField(**MONEY, default=ZERO)

    class Meta:
        ordering = ["-issue_date", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="credit_note_number")
        ]

    def __str__(self) -> str:
        return self.number


class CreditNoteLine(DocumentLine):
    credit_note = models.ForeignKey(CreditNote, on_delete=models.CASCADE, related_name="lines")


# --- Recurring hire contracts ---
# A long-term hire billed every period (operations.contracts issues the invoices).


class RecurringContract(TimestampedTenantModel):
    class Period(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"

    class Billing(models.TextChoices):
        ADVANCE = "advance", "In advance"
        ARREARS = "arrears", "In arrears"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        ENDED = "ended", "Ended"

    number = models.CharField(max_length=30)
    name = models.CharField(max_length=200, help_text="What is on hire, e.g. Warehouse PA system")
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="recurring_contracts"
    )
    period = models.CharField(max_length=10, choices=Period.choices, default=Period.MONTHLY)
    starts_on = models.DateField()
    # Blank while open-ended; the last day of the hire (inclusive) once known.
    ends_on = models.DateField(null=True, blank=True)
    billing_day = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    billing = models.CharField(max_length=10, choices=Billing.choices, default=Billing.ADVANCE)
    payment_days = models.PositiveSmallIntegerField(default=14, validators=[MaxValueValidator(365)])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # The scan's cursor: the first day not yet invoiced, and the day that span is due
    # (null once everything up to ends_on is invoiced). Written only by the services.
    next_period_start = models.DateField()
    next_billing_on = models.DateField(null=True, blank=True)
    # Why the last issuance was refused (lines out of bounds, say); blank when fine.
    problem = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-pk"]
        indexes = [models.Index(fields=["status", "next_billing_on"])]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="contract_number"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="contract_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(billing_day__gte=1, billing_day__lte=28), name="contract_billing_day"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class RecurringContractLine(DocumentLine):
    """A line of every period's invoice; ``unit_price`` is the rate for one full period."""

    contract = models.ForeignKey(RecurringContract, on_delete=models.CASCADE, related_name="lines")


class ContractIssuance(TenantModel):
    """The invoice of one period of a contract. The unique (contract, period_start) pair,
    written in the same transaction as the invoice, is what makes issuing exactly once."""

    contract = models.ForeignKey(
        RecurringContract, on_delete=models.CASCADE, related_name="issuances"
    )
    period_start = models.DateField()
    period_end = models.DateField(help_text="Last day covered (inclusive)")
    invoice = models.OneToOneField(
        Invoice, on_delete=models.PROTECT, related_name="contract_issuance"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "period_start"], name="contract_issuance_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract} {self.period_start}"


# --- Sub-hire purchase orders ---------------------------------------------------------


class PurchaseOrder(TimestampedTenantModel):
    """Gear or services the business sub-hires from a supplier for a booking or project.

    Approved orders go to the ledgers that keep purchase orders (QuickBooks, Xero); the
    status then follows the goods (received) and the supplier's bill (billed).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        RECEIVED = "received", "Received"
        BILLED = "billed", "Billed"

    number = models.CharField(max_length=30)
    supplier = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="purchase_orders")
    booking = models.ForeignKey(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="purchase_orders"
    )
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="purchase_orders"
    )
    currency = models.CharField(max_length=3, default="GBP", validators=[validate_currency])
    order_date = models.DateField(default=today)
    delivery_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    total = MoneyField(**MONEY, default=ZERO)
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-order_date", "-number"]
        indexes = [models.Index(fields=["organisation", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="purchase_order_number")
        ]

    def __str__(self) -> str:
        return self.number


class PurchaseOrderLine(TenantModel):
    """One costed line: an equipment item or a description, booked to an expense category."""

    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="lines"
    )
    item = models.ForeignKey(EquipmentItem, on_delete=models.PROTECT, null=True, blank=True)
    description = models.CharField(max_length=300, blank=True)
    quantity = models.DecimalField(
        max_digits=money.QUANTITY_DIGITS,
        decimal_places=money.QUANTITY_PLACES,
        default=Decimal("1"),
        validators=[MinValueValidator(money.MIN_QUANTITY)],
    )
    unit_cost = MoneyField(**MONEY, validators=[MinValueValidator(ZERO)])
    expense_category = models.ForeignKey(ExpenseCategory, on_delete=models.PROTECT)
    tax_category = models.ForeignKey(TaxCategory, on_delete=models.PROTECT)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.label}"

    @property
    def amounts(self) -> money.LineAmounts:
        return money.line_amounts(self.quantity, self.unit_cost, self.tax_category.rate)

    @property
    def net_amount(self) -> Decimal:
        return money.net_of(self.quantity, self.unit_cost)

    @property
    def label(self) -> str:
        return self.description or (self.item.name if self.item else "")


# --- Crew timesheets ---


class Timesheet(TimestampedTenantModel):
    """Hours a crew member worked on a project, recorded by them and approved (or
    rejected) by an owner or integration manager. Approved entries are what an
    accounting platform with time activities receives."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="timesheets"
    )
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="timesheets")
    worked_on = models.DateField()
    # Either both times (hours derived from them) or neither (hours typed in).
    starts_at = models.TimeField(null=True, blank=True)
    ends_at = models.TimeField(null=True, blank=True)
    hours = models.DecimalField(max_digits=4, decimal_places=2)
    billable = models.BooleanField(default=True)
    notes = models.TextField(blank=True, max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-worked_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "status"], name="timesheet_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="timesheet_hours_in_a_day"
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True, ends_at__isnull=True)
                | Q(starts_at__isnull=False, ends_at__gt=models.F("starts_at")),
                name="timesheet_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """How pages and messages name the entry."""
        return f"TS-{self.pk:05d}" if self.pk else "New timesheet"
