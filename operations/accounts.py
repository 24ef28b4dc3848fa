"""A customer's account in Patchbay: what its open invoices still ask for, per currency
(a customer may be invoiced in more than one)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from operations.models import Customer, Invoice

# Invoices that count towards what a customer owes.
OPEN = (Invoice.Status.ISSUED, Invoice.Status.PARTIALLY_PAID)


def balances(customer: Customer) -> dict[str, Decimal]:
    """Currency -> amount due on the customer's open invoices (none: empty)."""
    rows = (
        Invoice.objects.filter(
            organisation_id=customer.organisation_id, customer=customer, status__in=OPEN
        )
        .values("currency")
        .annotate(due=Sum("amount_due"))
        .order_by("currency")
    )
    return {row["currency"]: row["due"] for row in rows}
