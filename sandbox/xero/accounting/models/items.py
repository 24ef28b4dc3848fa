"""Items (Xero's price list): what an organisation sells or buys."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models
from django.utils import timezone

from sandbox.xero.models import XeroOrganisation


def price() -> models.DecimalField[Decimal | None, Decimal | None]:
    return models.DecimalField(max_digits=16, decimal_places=4, null=True, blank=True)


class XeroItem(models.Model):
    organisation = models.ForeignKey(
        XeroOrganisation, on_delete=models.CASCADE, related_name="items"
    )
    item_id = models.UUIDField(unique=True, default=uuid.uuid4)
    code = models.CharField(max_length=30)
    name = models.CharField(max_length=50, blank=True)
    description = models.TextField(blank=True)
    purchase_description = models.TextField(blank=True)
    is_sold = models.BooleanField(default=True)
    is_purchased = models.BooleanField(default=True)
    sales_unit_price = price()
    sales_account_code = models.CharField(max_length=10, blank=True)
    sales_tax_type = models.CharField(max_length=30, blank=True)
    purchase_unit_price = price()
    purchase_account_code = models.CharField(max_length=10, blank=True)
    purchase_tax_type = models.CharField(max_length=30, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="sandbox_xero_item_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
