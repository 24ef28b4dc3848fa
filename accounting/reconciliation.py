"""The monthly reconciliation: what synced, what failed, what needs a person."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count

from accounting import labels
from accounting.models import Entity, ExternalRef, LedgerBalance, Review
from accounting.registry import accounting_slugs
from integrations.models import SyncRun
from operations.models import Invoice
from tenancy.models import Organisation


@dataclass(frozen=True)
class Row:
    entity: str
    local_id: int
    label: str
    remote_id: str
    state: str
    when: datetime
    problem: str
    platform: str = ""


@dataclass(frozen=True)
class ReviewRow:
    kind: str
    entity: str
    local_id: int | None
    remote_id: str
    detected_at: datetime
    resolution: str
    resolved_by: str
    platform: str = ""
    label: str = ""


def settlement(status: str, total: Decimal, amount_due: Decimal) -> str:
    """Where a document stands, in terms both sides share: draft, void, open, part
    settled (paid or credited in part) or settled. Patchbay calls an invoice that was only
    credited Issued, a ledger calls it part-paid; both are part settled here."""
    if status in ("draft", "void"):
        return status
    if amount_due <= 0:
        return "settled"
    return "part settled" if amount_due < total else "open"


@dataclass(frozen=True)
class InvoiceRow:
    """One invoice of the month beside the ledger's copy, as last read (None: not read)."""

    local_id: int
    number: str
    provider: str
    total: Decimal
    amount_due: Decimal
    status: str
    ledger: LedgerBalance | None

    @property
    def settlement(self) -> str:
        return settlement(self.status, self.total, self.amount_due)

    @property
    def ledger_settlement(self) -> str:
        if self.ledger is None:
            return ""
        return settlement(self.ledger.status, self.ledger.total, self.ledger.amount_due)

    @property
    def differences(self) -> list[str]:
        """The fields that differ ("total", "amount due", "status"); empty when equal."""
        if self.ledger is None:
            return ["not read from the ledger yet"]
        found = []
        if self.ledger.total != self.total:
            found.append("total")
        if self.ledger.amount_due != self.amount_due:
            found.append("amount due")
        if self.ledger_settlement != self.settlement:
            found.append("status")
        return found


@dataclass(frozen=True)
class Report:
    """A month's reconciliation, of every ledger or of one connection's (``platform``).

    ``needs_review`` is what the reviews page lists open (conflicts and ambiguous
    matches), so the two agree; records the ledger refused are ``failed``, and those
    held back on purpose (a payment on a ledger draft) ``waiting``."""

    month: date
    synced: list[Row]
    needs_review: list[Row]
    runs_by_status: dict[str, int]
    reviews: list[ReviewRow]
    invoices: list[InvoiceRow] = field(default_factory=list)
    failed: list[Row] = field(default_factory=list)
    waiting: list[Row] = field(default_factory=list)


def month_bounds(month: date, zone: str) -> tuple[datetime, datetime]:
    tz = ZoneInfo(zone)
    start = datetime.combine(month.replace(day=1), time.min, tz)
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return start, datetime.combine(following, time.min, tz)


def _rows(organisation: Organisation, refs: list[ExternalRef]) -> list[Row]:
    names = labels.names_of(organisation, ((r.entity, r.local_id) for r in refs))
    return [
        Row(
            r.entity,
            r.local_id,
            names.get((r.entity, r.local_id), ""),
            r.remote_id,
            r.get_state_display(),
            r.updated_at,
            r.last_error,
            labels.platform_of(r.connection),
        )
        for r in refs
    ]


def build(organisation: Organisation, month: date, connection_id: int | None = None) -> Report:
    """The month's report; with ``connection_id``, of that connection only."""
    start, end = month_bounds(month, organisation.timezone)
    refs = (
        ExternalRef.objects.for_organisation(organisation)
        .select_related("connection")
        .order_by("entity", "updated_at")
    )
    runs = SyncRun.objects.for_organisation(organisation).filter(
        started_at__gte=start,
        started_at__lt=end,
        connection__provider__in=accounting_slugs(),
    )
    found = Review.objects.for_organisation(organisation).select_related(
        "resolved_by", "connection"
    )
    if connection_id is not None:
        refs = refs.filter(connection_id=connection_id)
        runs = runs.filter(connection_id=connection_id)
        found = found.filter(connection_id=connection_id)
    synced = refs.filter(state=ExternalRef.State.LINKED, updated_at__gte=start, updated_at__lt=end)
    in_review = refs.filter(
        state__in=(ExternalRef.State.REVIEW, ExternalRef.State.CONFLICT), excluded=False
    )
    failed = refs.filter(state=ExternalRef.State.ERROR, excluded=False)
    waiting = refs.filter(state=ExternalRef.State.WAITING, excluded=False)
    by_status = dict(runs.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    month_reviews = list(
        found.filter(detected_at__gte=start, detected_at__lt=end).order_by("detected_at")
    )
    names = labels.names_of(
        organisation, ((r.entity, r.local_id) for r in month_reviews if r.local_id is not None)
    )
    reviews = [
        ReviewRow(
            r.get_kind_display(),
            r.entity,
            r.local_id,
            r.remote_id,
            r.detected_at,
            r.get_resolution_display(),
            r.resolved_by.email if r.resolved_by else "",
            labels.platform_of(r.connection),
            names.get((r.entity, r.local_id), "") if r.local_id is not None else "",
        )
        for r in month_reviews
    ]
    return Report(
        month.replace(day=1),
        _rows(organisation, list(synced)),
        _rows(organisation, list(in_review)),
        by_status,
        reviews,
        _invoice_rows(organisation, start.date(), end.date(), connection_id),
        failed=_rows(organisation, list(failed)),
        waiting=_rows(organisation, list(waiting)),
    )


def _invoice_rows(
    organisation: Organisation, first: date, following: date, connection_id: int | None
) -> list[InvoiceRow]:
    """The month's issued invoices that a connection linked, beside what the ledger held
    when last read (``ledger_balances.refresh``)."""
    invoices = {
        i.pk: i
        for i in Invoice.objects.filter(
            organisation=organisation, issue_date__gte=first, issue_date__lt=following
        ).exclude(status=Invoice.Status.DRAFT)
    }
    refs = (
        ExternalRef.objects.filter(
            organisation=organisation, entity=Entity.INVOICE, local_id__in=list(invoices)
        )
        .exclude(remote_id="")
        .select_related("connection")
    )
    if connection_id is not None:
        refs = refs.filter(connection_id=connection_id)
    balances = {
        (b.connection_id, b.local_id): b
        for b in LedgerBalance.objects.filter(
            organisation=organisation, entity=Entity.INVOICE, local_id__in=list(invoices)
        )
    }
    rows = [
        InvoiceRow(
            ref.local_id,
            invoices[ref.local_id].number,
            labels.platform_of(ref.connection),
            invoices[ref.local_id].total,
            invoices[ref.local_id].amount_due,
            invoices[ref.local_id].status,
            balances.get((ref.connection_id, ref.local_id)),
        )
        for ref in refs
    ]
    return sorted(rows, key=lambda row: (row.number, row.provider))


def as_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "section",
            "platform",
            "record",
            "patchbay id",
            "label",
            "remote id",
            "state",
            "when",
            "problem",
        ]
    )
    sections = (
        ("synced", report.synced),
        ("failed", report.failed),
        ("waiting", report.waiting),
        ("needs review", report.needs_review),
    )
    for section, rows in sections:
        for row in rows:
            writer.writerow(
                [
                    section,
                    row.platform,
                    row.entity,
                    row.local_id,
                    row.label,
                    row.remote_id,
                    row.state,
                    row.when.isoformat(),
                    row.problem,
                ]
            )
    for item in report.reviews:
        writer.writerow(
            [
                f"{item.kind.lower()} ({item.resolution.lower()})",
                item.platform,
                item.entity,
                item.local_id or "",
                item.label or item.resolved_by,
                item.remote_id,
                item.resolution,
                item.detected_at.isoformat(),
                "",
            ]
        )
    return out.getvalue()
