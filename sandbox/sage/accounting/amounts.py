"""Server-computed amounts: line and artefact totals, and what is still outstanding.

A line's net is quantity times unit price (to the penny) less its discount; its tax is the
rate's percentage of the net; totals add up the lines. Outstanding is the total less
every live payment and allocation set against the artefact, and the status follows it:
UNPAID, PART_PAID or PAID (DRAFT and VOID stay as they are).
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum

from sandbox.sage.models import (
    SageAllocatedArtefact,
    SageSalesInvoice,
    SageTaxRate,
    Status,
)
from sandbox.sage.models.books import SageArtefact, SageLine

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def price_line(line: SageLine, rate: SageTaxRate | None) -> None:
    line.net_amount = cents(line.quantity * line.unit_price) - cents(line.discount_amount)
    percentage = rate.percentage if rate is not None else ZERO
    line.tax_amount = cents(line.net_amount * percentage / 100)
    line.total_amount = line.net_amount + line.tax_amount


def total_up(artefact: SageArtefact, lines: list[SageLine]) -> None:
    artefact.net_amount = sum((line.net_amount for line in lines), ZERO)
    artefact.tax_amount = sum((line.tax_amount for line in lines), ZERO)
    artefact.total_amount = artefact.net_amount + artefact.tax_amount


def settled(artefact: SageArtefact) -> Decimal:
    """What live payments and allocations have set against the artefact."""
    live = Q(payment__deleted_at__isnull=True, payment__isnull=False) | Q(
        allocation__deleted_at__isnull=True, allocation__isnull=False
    )
    field = "invoice" if isinstance(artefact, SageSalesInvoice) else "credit_note"
    rows = SageAllocatedArtefact.objects.filter(live, **{field: artefact.pk})
    sums = rows.aggregate(amount=Sum("amount"), discount=Sum("discount"))
    # Credit notes are allocated with negative amounts: what counts is the size.
    amount: Decimal = abs(sums["amount"] or ZERO)
    discount: Decimal = sums["discount"] or ZERO
    return amount + discount


def refresh_outstanding(artefact: SageArtefact) -> None:
    """Outstanding amount and status from the artefact's payments and allocations."""
    if artefact.status == Status.VOID:
        artefact.outstanding_amount = ZERO
        return
    artefact.outstanding_amount = artefact.total_amount - settled(artefact)
    if artefact.status == Status.DRAFT:
        return
    if artefact.outstanding_amount <= ZERO:
        artefact.status = Status.PAID
    elif artefact.outstanding_amount < artefact.total_amount:
        artefact.status = Status.PART_PAID
    else:
        artefact.status = Status.UNPAID


def touch(artefact: SageArtefact, now: datetime) -> None:
    """Recompute and save an artefact a payment or allocation changed; updated_at moves."""
    refresh_outstanding(artefact)
    artefact.updated_at = now
    artefact.save(update_fields=["outstanding_amount", "status", "updated_at"])
