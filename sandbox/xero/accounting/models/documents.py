"""Invoices and credit notes: documents with line items, totals and a status.

Both share Xero's status machine and line arithmetic, so they share abstract bases.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models
from django.utils import timezone

from sandbox.xero.accounting.models.contacts import XeroContact
from sandbox.xero.models import XeroOrganisation

ZERO = Decimal("0.00")


def money() -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)


class Status(models.TextChoices):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    AUTHORISED = "AUTHORISED"
    PAID = "PAID"
    VOIDED = "VOIDED"
    DELETED = "DELETED"


class LineAmountTypes(models.TextChoices):
    EXCLUSIVE = "Exclusive"
    INCLUSIVE = "Inclusive"
    NO_TAX = "NoTax"


class XeroDocument(models.Model):
    organisation = models.ForeignKey(XeroOrganisation, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(XeroContact, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=255, blank=True)
    date = models.DateField()
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    line_amount_types = models.CharField(
        max_length=10, choices=LineAmountTypes.choices, default=LineAmountTypes.EXCLUSIVE
    )
    currency_code = models.CharField(max_length=3)
    currency_rate = models.DecimalField(max_digits=14, decimal_places=6, default=Decimal(1))
    sub_total = money()
    total_tax = money()
    total = money()
    sent_to_contact = models.BooleanField(default=False)
    fully_paid_on = models.DateField(null=True, blank=True)
    created_by = models.CharField(max_length=200, blank=True, help_text="client_id, or blank")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class XeroInvoice(XeroDocument):
    class Type(models.TextChoices):
        ACCREC = "ACCREC", "Sales invoice"
        ACCPAY = "ACCPAY", "Bill"

    invoice_id = models.UUIDField(unique=True, default=uuid.uuid4)
    type = models.CharField(max_length=10, choices=Type.choices, default=Type.ACCREC)
    invoice_number = models.CharField(max_length=255, blank=True)
    amount_paid = money()
    amount_credited = money()

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["organisation", "updated_at"], name="sandbox_xero_invoice_upd"),
            models.Index(fields=["organisation", "invoice_number"], name="sandbox_xero_invoice_no"),
        ]

    def __str__(self) -> str:
        return self.invoice_number or str(self.invoice_id)

    @property
    def amount_due(self) -> Decimal:
        return self.total - self.amount_paid - self.amount_credited


class XeroCreditNote(XeroDocument):
    class Type(models.TextChoices):
        ACCRECCREDIT = "ACCRECCREDIT", "Sales credit note"
        ACCPAYCREDIT = "ACCPAYCREDIT", "Purchase credit note"

    credit_note_id = models.UUIDField(unique=True, default=uuid.uuid4)
    type = models.CharField(max_length=12, choices=Type.choices, default=Type.ACCRECCREDIT)
    credit_note_number = models.CharField(max_length=255, blank=True)
    amount_allocated = money()

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["organisation", "updated_at"], name="sandbox_xero_credit_upd"),
        ]

    def __str__(self) -> str:
        return self.credit_note_number or str(self.credit_note_id)

    @property
    def remaining_credit(self) -> Decimal:
        return self.total - self.amount_allocated


class XeroLine(models.Model):
    line_item_id = models.UUIDField(unique=True, default=uuid.uuid4)
    position = models.PositiveIntegerField(default=0)
    description = models.TextField(blank=True)
    quantity = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(1))
    unit_amount = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(0))
    item_code = models.CharField(max_length=30, blank=True)
    account_code = models.CharField(max_length=10, blank=True)
    tax_type = models.CharField(max_length=30, blank=True)
    tax_amount = money()
    line_amount = money()
    discount_rate = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.description or str(self.line_item_id)


class XeroInvoiceLine(XeroLine):
    invoice = models.ForeignKey(XeroInvoice, on_delete=models.CASCADE, related_name="lines")

    class Meta(XeroLine.Meta):
        pass


class XeroCreditNoteLine(XeroLine):
    credit_note = models.ForeignKey(XeroCreditNote, on_delete=models.CASCADE, related_name="lines")

    class Meta(XeroLine.Meta):
        pass
