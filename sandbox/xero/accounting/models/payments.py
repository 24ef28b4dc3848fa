"""Payments against invoices, and credit notes allocated to invoices."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models
from django.utils import timezone

from sandbox.xero.accounting.models.documents import XeroCreditNote, XeroInvoice, money
from sandbox.xero.accounting.models.ledger import XeroAccount
from sandbox.xero.models import XeroOrganisation


class XeroPayment(models.Model):
    class Status(models.TextChoices):
        AUTHORISED = "AUTHORISED"
        DELETED = "DELETED"

    organisation = models.ForeignKey(
        XeroOrganisation, on_delete=models.CASCADE, related_name="payments"
    )
    payment_id = models.UUIDField(unique=True, default=uuid.uuid4)
    invoice = models.ForeignKey(XeroInvoice, on_delete=models.PROTECT, related_name="payments")
    account = models.ForeignKey(XeroAccount, on_delete=models.PROTECT, related_name="payments")
    date = models.DateField()
    amount = money()
    reference = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.AUTHORISED)
    currency_rate = models.DecimalField(max_digits=14, decimal_places=6, default=Decimal(1))
    created_by = models.CharField(max_length=200, blank=True, help_text="client_id, or blank")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["organisation", "updated_at"], name="sandbox_xero_payment_upd"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} on {self.invoice}"

    @property
    def payment_type(self) -> str:
        return "ACCRECPAYMENT" if self.invoice.type == XeroInvoice.Type.ACCREC else "ACCPAYPAYMENT"


class XeroAllocation(models.Model):
    allocation_id = models.UUIDField(unique=True, default=uuid.uuid4)
    credit_note = models.ForeignKey(
        XeroCreditNote, on_delete=models.CASCADE, related_name="allocations"
    )
    invoice = models.ForeignKey(XeroInvoice, on_delete=models.PROTECT, related_name="allocations")
    amount = money()
    date = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.amount} of {self.credit_note} to {self.invoice}"
