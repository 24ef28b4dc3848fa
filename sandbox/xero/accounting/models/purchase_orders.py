"""Purchase orders: a document with line items sent to a supplier, with its own status
list (DRAFT, SUBMITTED, AUTHORISED, BILLED, DELETED) and a delivery date."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from sandbox.xero.accounting.models.contacts import XeroContact
from sandbox.xero.accounting.models.documents import LineAmountTypes, XeroLine, money
from sandbox.xero.models import XeroOrganisation


class PurchaseOrderStatus(models.TextChoices):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    AUTHORISED = "AUTHORISED"
    BILLED = "BILLED"
    DELETED = "DELETED"


class XeroPurchaseOrder(models.Model):
    organisation = models.ForeignKey(XeroOrganisation, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(XeroContact, on_delete=models.PROTECT, related_name="+")
    purchase_order_id = models.UUIDField(unique=True, default=uuid.uuid4)
    purchase_order_number = models.CharField(max_length=255, blank=True)
    reference = models.CharField(max_length=255, blank=True)
    date = models.DateField()
    delivery_date = models.DateField(null=True, blank=True)
    delivery_instructions = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=10, choices=PurchaseOrderStatus.choices, default=PurchaseOrderStatus.DRAFT
    )
    line_amount_types = models.CharField(
        max_length=10, choices=LineAmountTypes.choices, default=LineAmountTypes.EXCLUSIVE
    )
    currency_code = models.CharField(max_length=3)
    sub_total = money()
    total_tax = money()
    total = money()
    sent_to_contact = models.BooleanField(default=False)
    created_by = models.CharField(max_length=200, blank=True, help_text="client_id, or blank")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["organisation", "updated_at"], name="sandbox_xero_po_upd"),
        ]

    def __str__(self) -> str:
        return self.purchase_order_number or str(self.purchase_order_id)


class XeroPurchaseOrderLine(XeroLine):
    purchase_order = models.ForeignKey(
        XeroPurchaseOrder, on_delete=models.CASCADE, related_name="lines"
    )

    class Meta(XeroLine.Meta):
        pass
