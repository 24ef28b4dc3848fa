"""The monthly reconciliation: what synced, what failed, what needs a person."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count

from accounting.models import Entity, ExternalRef, LedgerBalance, Review
from integrations.models import SyncRun
from operations.models import CreditNote, Customer, EquipmentItem, Invoice, Payment, Quote
from tenancy.models import Organisation

LABELS = {
    Entity.INVOICE: (Invoice, "number"),
    Entity.CUSTOMER: (Customer, "name"),
    Entity.PAYMENT: (Payment, "reference"),
    Entity.ITEM: (EquipmentItem, "name"),
    Entity.CREDIT_NOTE: (CreditNote, "number"),
    Entity.QUOTE: (Quote, "number"),
}


@dataclass(frozen=True)
class Row:
    entity: str
    local_id: int
    label: str
    remote_id: str
    state: str
    when: datetime
    problem: str


@dataclass(frozen=True)
class ReviewRow:
    kind: str
    entity: str
    local_id: int | None
    remote_id: str
    detected_at: datetime
    resolution: str
    resolved_by: str


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
    month: date
    synced: list[Row]
    needs_review: list[Row]
    runs_by_status: dict[str, int]
    reviews: list[ReviewRow]
    invoices: list[InvoiceRow] = field(default_factory=list)


def month_bounds(month: date, zone: str) -> tuple[datetime, datetime]:
    tz = ZoneInfo(zone)
    start = datetime.combine(month.replace(day=1), time.min, tz)
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return start, datetime.combine(following, time.min, tz)


def _labels(refs: list[ExternalRef]) -> dict[tuple[str, int], str]:
    labels: dict[tuple[str, int], str] = {}
    for entity, (model, label_field) in LABELS.items():
        ids = [r.local_id for r in refs if r.entity == entity]
        rows = model._default_manager.filter(pk__in=ids).values_list("pk", label_field)
        labels.update({(entity, pk): str(value) for pk, value in rows})
    return labels


def _rows(refs: list[ExternalRef]) -> list[Row]:
    labels = _labels(refs)
    return [
        Row(
            r.entity,
            r.local_id,
            labels.get((r.entity, r.local_id), ""),
            r.remote_id,
            r.get_state_display(),
            r.updated_at,
            r.last_error,
        )
        for r in refs
    ]


def build(organisation: Organisation, month: date) -> Report:
    start, end = month_bounds(month, organisation.timezone)
    refs = ExternalRef.objects.for_organisation(organisation).order_by("entity", "updated_at")
    synced = list(
        refs.filter(state=ExternalRef.State.LINKED, updated_at__gte=start, updated_at__lt=end)
    )
    held = (
        ExternalRef.State.ERROR,
        ExternalRef.State.REVIEW,
        ExternalRef.State.CONFLICT,
        ExternalRef.State.WAITING,
    )
    review = list(refs.filter(state__in=held))
    runs = SyncRun.objects.for_organisation(organisation).filter(
        started_at__gte=start, started_at__lt=end
    )
    by_status = dict(runs.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    reviews = [
        ReviewRow(
            r.get_kind_display(),
            r.entity,
            r.local_id,
            r.remote_id,
            r.detected_at,
            r.get_resolution_display(),
            r.resolved_by.email if r.resolved_by else "",
        )
        for r in Review.objects.for_organisation(organisation)
        .filter(detected_at__gte=start, detected_at__lt=end)
        .select_related("resolved_by")
        .order_by("detected_at")
    ]
    return Report(
        month.replace(day=1),
        _rows(synced),
        _rows(review),
        by_status,
        reviews,
        _invoice_rows(organisation, start.date(), end.date()),
    )


def _invoice_rows(organisation: Organisation, first: date, following: date) -> list[InvoiceRow]:
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
            ref.connection.provider,
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
        ["section", "record", "patchbay id", "label", "remote id", "state", "when", "problem"]
    )
    for section, rows in (("synced", report.synced), ("needs review", report.needs_review)):
        for row in rows:
            writer.writerow(
                [
                    section,
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
                item.entity,
                item.local_id or "",
                item.resolved_by,
                item.remote_id,
                item.resolution,
                item.detected_at.isoformat(),
                "",
            ]
        )
    return out.getvalue()
