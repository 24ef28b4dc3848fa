"""The chart of accounts and the tax rates of an organisation."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models
from django.utils import timezone

from sandbox.xero.models import XeroOrganisation

# Xero derives an account's read-only Class from its Type.
# https://developer.xero.com/documentation/api/accounting/types#accounts
CLASS_OF_TYPE: dict[str, str] = {
    "BANK": "ASSET",
    "CURRENT": "ASSET",
    "FIXED": "ASSET",
    "INVENTORY": "ASSET",
    "NONCURRENT": "ASSET",
    "PREPAYMENT": "ASSET",
    "CURRLIAB": "LIABILITY",
    "LIABILITY": "LIABILITY",
    "TERMLIAB": "LIABILITY",
    "PAYG": "LIABILITY",
    "EQUITY": "EQUITY",
    "DEPRECIATN": "EXPENSE",
    "DIRECTCOSTS": "EXPENSE",
    "EXPENSE": "EXPENSE",
    "OVERHEADS": "EXPENSE",
    "OTHERINCOME": "REVENUE",
    "REVENUE": "REVENUE",
    "SALES": "REVENUE",
}


class XeroAccount(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "ACTIVE"
        ARCHIVED = "ARCHIVED"
        DELETED = "DELETED"

    organisation = models.ForeignKey(
        XeroOrganisation, on_delete=models.CASCADE, related_name="accounts"
    )
    account_id = models.UUIDField(unique=True, default=uuid.uuid4)
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=150)
    type = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    tax_type = models.CharField(max_length=30, default="NONE")
    description = models.TextField(blank=True)
    enable_payments = models.BooleanField(default=False, help_text="Xero's EnablePaymentsToAccount")
    bank_account_number = models.CharField(max_length=50, blank=True)
    system_account = models.CharField(max_length=30, blank=True)
    reporting_code = models.CharField(max_length=50, blank=True)
    reporting_code_name = models.CharField(max_length=150, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="sandbox_xero_account_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def account_class(self) -> str:
        return CLASS_OF_TYPE.get(self.type, "EXPENSE")

    @property
    def takes_payments(self) -> bool:
        """Payments go to bank accounts, or to accounts switched on for them."""
        return self.status == self.Status.ACTIVE and (self.type == "BANK" or self.enable_payments)


class XeroTaxRate(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "ACTIVE"
        DELETED = "DELETED"
        ARCHIVED = "ARCHIVED"

    organisation = models.ForeignKey(
        XeroOrganisation, on_delete=models.CASCADE, related_name="tax_rates"
    )
    tax_type = models.CharField(max_length=30)
    name = models.CharField(max_length=150)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    rate = models.DecimalField(max_digits=8, decimal_places=4, default=Decimal(0))
    report_tax_type = models.CharField(max_length=30, default="NONE")
    component_name = models.CharField(max_length=50, default="VAT")
    applies_to_assets = models.BooleanField(default=False)
    applies_to_equity = models.BooleanField(default=False)
    applies_to_expenses = models.BooleanField(default=False)
    applies_to_liabilities = models.BooleanField(default=False)
    applies_to_revenue = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "tax_type"], name="sandbox_xero_tax_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tax_type} {self.name}"

    def applies_to(self, account_class: str) -> bool:
        return {
            "ASSET": self.applies_to_assets,
            "EQUITY": self.applies_to_equity,
            "EXPENSE": self.applies_to_expenses,
            "LIABILITY": self.applies_to_liabilities,
            "REVENUE": self.applies_to_revenue,
        }.get(account_class, False)
