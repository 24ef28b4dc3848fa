"""Recurring hire contracts: their billing periods, and issuing each period's invoice once.

A contract's periods run from one *boundary* to the next. Monthly and quarterly
boundaries fall on the contract's billing day (1 to 28, so every month has one);
weekly ones every seven days from the start date (the billing day plays no part).
A first span that starts between boundaries, a last one cut short by the end date,
and the first span after a resume are *part-periods*: each line's rate is scaled by
days covered over days in the whole period that contains it, rounded half up to the
penny, and the invoice line says so: "Hire 15\u201330 Jun 2026 (16 of 30 days)".

A span billed in advance is due on its first day; in arrears, on the day after its
last. Its invoice is dated that day (so a late scan makes the same invoice a punctual
one would) and falls due ``payment_days`` later.

Exactly once: the hourly scan (operations.tasks) takes each due contract's row lock
with SKIP LOCKED, so two scans never wait on each other and never work on one
contract at once; under the lock it re-reads the contract's cursor, issues one span's
invoice through the ordinary services (so it is numbered, emits ``invoice.issued``
and is pushed to the ledger like any other), records a ``ContractIssuance`` whose
unique (contract, period_start) pair is the database's guarantee, and moves the
cursor, all in one transaction. A scan that crashes half way leaves whole spans
issued or not at all; the next scan carries on from the cursor. See
docs/recurring-contracts.md.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from operations import money, services
from operations.models import (
    ContractIssuance,
    Invoice,
    RecurringContract,
    RecurringContractLine,
)
from operations.services import LineInput, OperationError
from tenancy.models import Organisation

log = logging.getLogger(__name__)

CONTRACT_PREFIX = "RC-"
DASH = "\u2013"  # an en dash, as date ranges are written
Status = RecurringContract.Status
# How many spans one contract may issue in one scan (a contract years behind catches
# up over a few scans instead of holding one worker for minutes).
MAX_SPANS_PER_SCAN = 60
# No time zone is further ahead of UTC than this: nothing is due anywhere beyond it.
AHEAD_OF_UTC = timedelta(hours=14)
CONTRACT_FIELDS = frozenset(
    {"name", "customer", "period", "starts_on", "ends_on", "billing_day", "billing", "payment_days"}
)
# What fixes the periods: it cannot change once a period has been invoiced.
SCHEDULE_NAMES = {
    "customer": "customer",
    "period": "period",
    "starts_on": "start date",
    "billing_day": "billing day",
    "billing": "advance or arrears billing",
}
SCHEDULE_FIELDS = frozenset(SCHEDULE_NAMES)


# --- Periods ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """Days billed by one invoice: ``start`` up to, not including, ``end``."""

    start: date
    end: date
    full_days: int  # days in the whole period that holds the span

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def prorated(self) -> bool:
        return self.days != self.full_days

    def share(self, rate: Decimal) -> Decimal:
        """The part of a full period's ``rate`` this span charges, to the penny."""
        if not self.prorated:
            return rate
        scaled = rate * self.days / self.full_days
        return scaled.quantize(money.CENT, rounding=ROUND_HALF_UP)

    def describe(self) -> str:
        text = f"Hire {day_range(self.start, self.last_day)}"
        if self.prorated:
            text += f" ({self.days} of {self.full_days} days)"
        return text


def day_range(first: date, last: date) -> str:
    """ "1\u201331 Jul 2026", "15 Mar\u201314 Apr 2026": what a span covers, inclusive."""
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}{DASH}{last.day} {last:%b %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%b}{DASH}{last.day} {last:%b %Y}"
    return f"{first.day} {first:%b %Y}{DASH}{last.day} {last:%b %Y}"


def _months_later(day: date, months: int, day_of_month: int) -> date:
    years, month = divmod(day.month - 1 + months, 12)
    return date(day.year + years, month + 1, day_of_month)


def _months_per_period(contract: RecurringContract) -> int:
    return 3 if contract.period == RecurringContract.Period.QUARTERLY else 1


def _anchor(contract: RecurringContract) -> date:
    """The first billing day on or after the start date."""
    start = contract.starts_on
    if start.day <= contract.billing_day:
        return start.replace(day=contract.billing_day)
    return _months_later(start, 1, contract.billing_day)


def next_boundary(contract: RecurringContract, after: date) -> date:
    """The first period boundary later than ``after``."""
    if contract.period == RecurringContract.Period.WEEKLY:
        weeks = (after - contract.starts_on).days // 7 + 1
        return contract.starts_on + timedelta(weeks=weeks)
    anchor, step = _anchor(contract), _months_per_period(contract)
    months = (after.year - anchor.year) * 12 + after.month - anchor.month
    count = months // step - 1  # a boundary in an earlier month than ``after``
    boundary = _months_later(anchor, count * step, anchor.day)
    while boundary <= after:
        count += 1
        boundary = _months_later(anchor, count * step, anchor.day)
    return boundary


def _previous_boundary(contract: RecurringContract, boundary: date) -> date:
    if contract.period == RecurringContract.Period.WEEKLY:
        return boundary - timedelta(weeks=1)
    return _months_later(boundary, -_months_per_period(contract), boundary.day)


def span_from(contract: RecurringContract, start: date) -> Span | None:
    """The span billed next from ``start``, or None when the contract ended before it."""
    if contract.ends_on is not None and start > contract.ends_on:
        return None
    boundary = next_boundary(contract, start)
    end = boundary
    if contract.ends_on is not None:
        end = min(boundary, contract.ends_on + timedelta(days=1))
    full_days = (boundary - _previous_boundary(contract, boundary)).days
    return Span(start=start, end=end, full_days=full_days)


def billing_date(contract: RecurringContract, span: Span) -> date:
    return span.start if contract.billing == RecurringContract.Billing.ADVANCE else span.end


def _follow_cursor(contract: RecurringContract) -> None:
    """Set when the next span is due from the cursor; past the end date, it has ended."""
    span = span_from(contract, contract.next_period_start)
    contract.next_billing_on = None if span is None else billing_date(contract, span)
    if span is None:
        contract.status = Status.ENDED


def next_span(contract: RecurringContract) -> Span | None:
    if contract.status == Status.ENDED:
        return None
    return span_from(contract, contract.next_period_start)


def local_today(organisation: Organisation, now: datetime) -> date:
    return timezone.localtime(now, ZoneInfo(organisation.timezone)).date()


# --- Contracts ---------------------------------------------------------------------------


def _only(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - CONTRACT_FIELDS
    if unknown:
        raise OperationError(f"These fields cannot be set here: {', '.join(sorted(unknown))}.")
    return fields


def _check(contract: RecurringContract) -> None:
    services.check_same_organisation(contract.organisation, contract.customer)
    if contract.ends_on is not None and contract.ends_on < contract.starts_on:
        raise OperationError("A contract cannot end before it starts.", field="ends_on")
    if not 1 <= contract.billing_day <= 28:
        raise OperationError("Choose a billing day from 1 to 28.", field="billing_day")


@transaction.atomic
def create_contract(
    organisation: Organisation, lines: Sequence[LineInput], **fields: Any
) -> RecurringContract:
    contract = RecurringContract(organisation=organisation, **_only(fields))
    contract.next_period_start = contract.starts_on
    _check(contract)
    rows = services.line_rows(organisation, lines, "contract")
    contract.number = services.next_number(organisation.pk, RecurringContract, CONTRACT_PREFIX)
    _follow_cursor(contract)
    contract.save()
    RecurringContractLine.objects.bulk_create(
        RecurringContractLine(contract=contract, **row) for row in rows
    )
    return contract


def _locked(contract: RecurringContract) -> RecurringContract:
    try:
        return RecurringContract.objects.select_for_update().get(pk=contract.pk)
    except RecurringContract.DoesNotExist:
        raise OperationError("This contract no longer exists.") from None


@transaction.atomic
def update_contract(
    contract: RecurringContract, lines: Sequence[LineInput], **fields: Any
) -> RecurringContract:
    """Change a contract; its lines and end date apply to periods not yet invoiced.

    Once a period is invoiced, what fixes the periods (start, period, billing day,
    advance or arrears, customer) stays as it is: end the contract and start another.
    """
    locked = _locked(contract)
    invoiced = locked.issuances.exists()
    previous_start = locked.starts_on
    for name, value in _only(fields).items():
        if invoiced and name in SCHEDULE_FIELDS and getattr(locked, name) != value:
            raise OperationError(
                f"Contract {locked.number} has invoices already, so its "
                f"{SCHEDULE_NAMES[name]} stays as it is: "
                "end it and start a new contract instead.",
                field=name,
            )
        setattr(locked, name, value)
    _check(locked)
    if locked.starts_on != previous_start:  # only possible before the first invoice
        locked.next_period_start = locked.starts_on
    _check_not_before_invoiced(locked, locked.ends_on, field="ends_on")
    rows = services.line_rows(locked.organisation, lines, "contract")
    if locked.status != Status.PAUSED:
        locked.status = Status.ACTIVE  # a later end date re-opens an ended contract
    _follow_cursor(locked)
    locked.save()
    locked.lines.all().delete()
    RecurringContractLine.objects.bulk_create(
        RecurringContractLine(contract=locked, **row) for row in rows
    )
    return locked


def _check_not_before_invoiced(
    contract: RecurringContract, last_day: date | None, *, field: str
) -> None:
    invoiced_to = contract.next_period_start - timedelta(days=1)
    if last_day is not None and last_day < invoiced_to:
        raise OperationError(
            f"Contract {contract.number} is invoiced up to {invoiced_to:%d %b %Y}: choose "
            "that day or later, and credit the invoiced days the customer did not have.",
            field=field,
        )


@transaction.atomic
def pause_contract(contract: RecurringContract) -> RecurringContract:
    locked = _locked(contract)
    if locked.status != Status.ACTIVE:
        raise OperationError(f"Contract {locked.number} is {locked.get_status_display()}.")
    locked.status = Status.PAUSED
    locked.save(update_fields=["status", "updated_at"])
    return locked


@transaction.atomic
def resume_contract(contract: RecurringContract, today: date) -> RecurringContract:
    """Billing starts again from ``today``: the paused days are never invoiced.

    A span that was already invoiced (in advance) before the pause is not billed again;
    a span begun while paused is billed from ``today`` as a part-period.
    """
    locked = _locked(contract)
    if locked.status != Status.PAUSED:
        raise OperationError(f"Contract {locked.number} is not paused.")
    locked.status = Status.ACTIVE
    locked.next_period_start = max(locked.next_period_start, today)
    _follow_cursor(locked)
    locked.save(update_fields=["status", "next_period_start", "next_billing_on", "updated_at"])
    return locked


@transaction.atomic
def end_contract(contract: RecurringContract, last_day: date) -> RecurringContract:
    """Set the last day of the hire; the last (part-)period is still invoiced when due."""
    locked = _locked(contract)
    if locked.status == Status.ENDED:
        raise OperationError(f"Contract {locked.number} has already ended.")
    if last_day < locked.starts_on:
        raise OperationError(
            f"The last day cannot be before the contract starts ({locked.starts_on:%d %b %Y}).",
            field="last_day",
        )
    _check_not_before_invoiced(locked, last_day, field="last_day")
    locked.ends_on = last_day
    _follow_cursor(locked)
    locked.save(update_fields=["ends_on", "status", "next_billing_on", "updated_at"])
    return locked


# --- The scan ------------------------------------------------------------------------------


@dataclass
class ScanResult:
    issued: int = 0
    refused: int = 0


@dataclass(frozen=True)
class _Attempt:
    issued: bool = False
    refused: bool = False
    more_due: bool = False


def scan(now: datetime | None = None) -> ScanResult:
    """Issue every invoice that is due now, each span once; safe to run concurrently."""
    now = now or timezone.now()
    horizon = (now + AHEAD_OF_UTC).astimezone(UTC).date()
    due = RecurringContract.objects.filter(
        status=Status.ACTIVE, next_billing_on__lte=horizon
    ).order_by("next_billing_on", "pk")
    result = ScanResult()
    for pk in due.values_list("pk", flat=True):
        for _ in range(MAX_SPANS_PER_SCAN):
            attempt = issue_next(pk, now)
            result.issued += attempt.issued
            result.refused += attempt.refused
            if not attempt.more_due:
                break
    return result


def issue_next(pk: int, now: datetime) -> _Attempt:
    """Issue the contract's next span if it is due; skip it if another scan holds it."""
    try:
        return _issue_next(pk, now)
    except OperationError as error:
        RecurringContract.objects.filter(pk=pk).update(problem=error.message[:500])
        log.warning("contract %s: next invoice refused: %s", pk, error.message)
        return _Attempt(refused=True)
    except IntegrityError:
        # The unique (contract, period_start) held against a concurrent issuer: the
        # span is invoiced already, by the other one.
        log.warning("contract %s: span already issued by another scan", pk)
        return _Attempt()


@transaction.atomic
def _issue_next(pk: int, now: datetime) -> _Attempt:
    contract = (
        RecurringContract.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("organisation", "customer")
        .filter(pk=pk, status=Status.ACTIVE)
        .first()
    )
    if contract is None:
        return _Attempt()  # another scan holds it, or it was paused or ended meanwhile
    today = local_today(contract.organisation, now)
    span = span_from(contract, contract.next_period_start)
    if span is None or billing_date(contract, span) > today:
        return _Attempt()
    invoice = _invoice(contract, span)
    ContractIssuance.objects.create(
        organisation_id=contract.organisation_id,
        contract=contract,
        period_start=span.start,
        period_end=span.last_day,
        invoice=invoice,
    )
    contract.next_period_start = span.end
    contract.problem = ""
    _follow_cursor(contract)
    contract.save(
        update_fields=["next_period_start", "next_billing_on", "status", "problem", "updated_at"]
    )
    more = contract.next_billing_on is not None and contract.next_billing_on <= today
    return _Attempt(issued=True, more_due=more and contract.status == Status.ACTIVE)


def _invoice(contract: RecurringContract, span: Span) -> Invoice:
    lines = contract.lines.select_related("item", "tax_category", "income_category")
    contract.customer.organisation = contract.organisation  # spares the services a query
    inputs = [
        LineInput(
            description=f"{line.label[:200]}: {span.describe()}",
            item=line.item,
            quantity=line.quantity,
            unit_price=span.share(line.unit_price),
            tax_category=line.tax_category,
            income_category=line.income_category,
        )
        for line in lines
    ]
    issued_on = billing_date(contract, span)
    draft = services.create_draft_invoice(
        contract.customer,
        inputs,
        issue_date=issued_on,
        due_date=issued_on + timedelta(days=contract.payment_days),
    )
    return services.issue_invoice(draft)
