"""A business's books as Sage keeps them: reference data, contacts, items, sales
artefacts, payments and allocations, and the answers kept for idempotency_id replays.

Every record has Sage's 32-hex `guid` (the API's `id`), `created_at`, `updated_at`
and, once deleted, `deleted_at`: deleted rows stay, so `deleted_since` can list them.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone

from sandbox.sage.models.identity import SageBusiness, new_guid

ZERO = Decimal("0.00")


def money() -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)


class BooksRecord(models.Model):
    business = models.ForeignKey(SageBusiness, on_delete=models.CASCADE, related_name="+")
    guid = models.CharField(max_length=40, default=new_guid)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["business", "guid"], name="%(app_label)s_%(class)s_guid"
            )
        ]


class SageTaxRate(BooksRecord):
    """A tax rate; its id is a readable code such as GB_STANDARD, not a guid."""

    name = models.CharField(max_length=100)
    percentage = models.DecimalField(max_digits=6, decimal_places=2, default=ZERO)
    is_visible = models.BooleanField(default=True)

    class Meta(BooksRecord.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.name} {self.percentage:.2f}%"


class SageLedgerAccount(BooksRecord):
    nominal_code = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    display_name = models.CharField(max_length=200)
    ledger_account_type = models.CharField(max_length=40, help_text="SALES, BANK, ...")
    ledger_account_group = models.CharField(max_length=20, help_text="INCOME, ASSETS, ...")
    tax_rate = models.ForeignKey(
        SageTaxRate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    included_in_chart = models.BooleanField(default=True)
    visible_in_sales = models.BooleanField(default=False)
    visible_in_banking = models.BooleanField(default=False)

    class Meta(BooksRecord.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.name} ({self.nominal_code})"


class SageBankAccount(BooksRecord):
    ledger_account = models.ForeignKey(
        SageLedgerAccount, on_delete=models.PROTECT, related_name="+"
    )
    bank_account_type = models.CharField(max_length=20, default="CHECKING")
    account_name = models.CharField(max_length=200)
    account_number = models.CharField(max_length=20, blank=True)
    sort_code = models.CharField(max_length=10, blank=True)

    class Meta(BooksRecord.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.account_name} ({self.ledger_account.nominal_code})"


class SageContact(BooksRecord):
    class Type(models.TextChoices):
        CUSTOMER = "CUSTOMER", "Customer"
        VENDOR = "VENDOR", "Supplier"

    name = models.CharField(max_length=255)
    reference = models.CharField(max_length=50, blank=True)
    contact_type = models.CharField(max_length=10, choices=Type.choices, default=Type.CUSTOMER)
    email = models.CharField(max_length=255, blank=True)
    tax_number = models.CharField(max_length=50, blank=True)
    notes = models.TextField(blank=True)
    currency = models.CharField(max_length=3)
    main_address = models.JSONField(default=dict, blank=True)

    class Meta(BooksRecord.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.name} ({self.reference})" if self.reference else self.name


class SageItem(BooksRecord):
    """A product or a service: Sage keeps them apart, with the same core fields."""

    class Kind(models.TextChoices):
        PRODUCT = "product", "Product"
        SERVICE = "service", "Service"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    item_code = models.CharField(max_length=50, blank=True)
    description = models.CharField(max_length=255)
    notes = models.TextField(blank=True)
    sales_ledger_account = models.ForeignKey(
        SageLedgerAccount, on_delete=models.PROTECT, related_name="+"
    )
    sales_tax_rate = models.ForeignKey(
        SageTaxRate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    price = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(0))
    price_includes_tax = models.BooleanField(default=False)
    active = models.BooleanField(default=True)

    class Meta(BooksRecord.Meta):
        pass

    def __str__(self) -> str:
        return self.item_code or self.description


class Status(models.TextChoices):
    """Artefact statuses (https://developer.sage.com/accounting/guides/concepts/artefact_statuses)."""

    DRAFT = "DRAFT", "Draft"
    UNPAID = "UNPAID", "Unpaid"
    PART_PAID = "PART_PAID", "Part paid"
    PAID = "PAID", "Paid"
    VOID = "VOID", "Void"


class SageArtefact(BooksRecord):
    contact = models.ForeignKey(SageContact, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=50, blank=True, help_text="Given on release")
    sequence = models.PositiveIntegerField(null=True, blank=True)
    contact_name = models.CharField(max_length=255)
    contact_reference = models.CharField(max_length=50, blank=True)
    date = models.DateField()
    reference = models.CharField(max_length=255, blank=True)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UNPAID)
    void_reason = models.CharField(max_length=255, blank=True)
    currency = models.CharField(max_length=3)
    net_amount = money()
    tax_amount = money()
    total_amount = money()
    outstanding_amount = money()
    sent = models.BooleanField(default=False)
    tax_reconciled = models.BooleanField(default=False)
    created_by = models.CharField(max_length=200, blank=True, help_text="client_id, or blank")

    class Meta(BooksRecord.Meta):
        abstract = True

    def __str__(self) -> str:
        return self.number or f"draft {self.guid[:8]}"

    @property
    def editable(self) -> bool:
        # Paid, part-paid and void artefacts, and VAT-reconciled ones, are locked.
        locked = self.tax_reconciled or self.deleted_at is not None
        return not locked and self.status in (Status.DRAFT, Status.UNPAID)


class SageSalesInvoice(SageArtefact):
    due_date = models.DateField(null=True, blank=True)

    class Meta(SageArtefact.Meta):
        indexes = [models.Index(fields=["business", "updated_at"], name="sandbox_sage_inv_upd")]


class SageSalesCreditNote(SageArtefact):
    original_invoice = models.ForeignKey(
        SageSalesInvoice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(SageArtefact.Meta):
        indexes = [models.Index(fields=["business", "updated_at"], name="sandbox_sage_scn_upd")]


class SageLine(models.Model):
    guid = models.CharField(max_length=32, default=new_guid, unique=True)
    position = models.PositiveIntegerField(default=0)
    description = models.TextField()
    item = models.ForeignKey(
        SageItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ledger_account = models.ForeignKey(
        SageLedgerAccount, on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(1))
    unit_price = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(0))
    discount_amount = money()
    tax_rate = models.ForeignKey(
        SageTaxRate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    net_amount = money()
    tax_amount = money()
    total_amount = money()

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.description


class SageInvoiceLine(SageLine):
    invoice = models.ForeignKey(SageSalesInvoice, on_delete=models.CASCADE, related_name="lines")

    class Meta(SageLine.Meta):
        pass


class SageCreditNoteLine(SageLine):
    credit_note = models.ForeignKey(
        SageSalesCreditNote, on_delete=models.CASCADE, related_name="lines"
    )

    class Meta(SageLine.Meta):
        pass


class SageContactPayment(BooksRecord):
    transaction_type = models.CharField(max_length=30, default="CUSTOMER_RECEIPT")
    contact = models.ForeignKey(SageContact, on_delete=models.PROTECT, related_name="+")
    bank_account = models.ForeignKey(SageBankAccount, on_delete=models.PROTECT, related_name="+")
    payment_method = models.CharField(max_length=30, default="BANK_TRANSFER")
    date = models.DateField()
    total_amount = money()
    reference = models.CharField(max_length=255, blank=True)
    created_by = models.CharField(max_length=200, blank=True)

    class Meta(BooksRecord.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.transaction_type} {self.total_amount}"


class SageContactAllocation(BooksRecord):
    """Credit (a credit note, a payment on account) set against invoices."""

    transaction_type = models.CharField(max_length=30, default="CUSTOMER_ALLOCATION")
    contact = models.ForeignKey(SageContact, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()

    class Meta(BooksRecord.Meta):
        pass

    def __str__(self) -> str:
        return f"allocation {self.guid[:8]}"


class SageAllocatedArtefact(models.Model):
    """One artefact's share of a payment or of a contact allocation."""

    guid = models.CharField(max_length=32, default=new_guid, unique=True)
    payment = models.ForeignKey(
        SageContactPayment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="allocated",
    )
    allocation = models.ForeignKey(
        SageContactAllocation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="allocated",
    )
    invoice = models.ForeignKey(
        SageSalesInvoice, on_delete=models.CASCADE, null=True, blank=True, related_name="allocated"
    )
    credit_note = models.ForeignKey(
        SageSalesCreditNote,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="allocated",
    )
    amount = money()
    discount = money()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.amount} on {self.invoice or self.credit_note}"


class SageIdempotentRequest(models.Model):
    """The first answer to a write that carried an idempotency_id (kept seven days)."""

    business = models.ForeignKey(SageBusiness, on_delete=models.CASCADE, related_name="+")
    client_id = models.CharField(max_length=200)
    idempotency_id = models.CharField(max_length=32)
    resource = models.CharField(max_length=40, help_text="sales_invoice, contact, ...")
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.TextField()
    replays = models.PositiveIntegerField(default=0)
    replays_with_other_body = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["business", "client_id", "idempotency_id"],
                name="sandbox_sage_idempotency_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource} {self.idempotency_id} -> {self.status}"
