"""The monthly reconciliation: what synced, what failed, what needs a person."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db.models import Count

from accounting.models import Entity, ExternalRef, Review
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


@dataclass(frozen=True)
class Report:
    month: date
    synced: list[Row]
    needs_review: list[Row]
    runs_by_status: dict[str, int]
    reviews: list[ReviewRow]


def month_bounds(month: date, zone: str) -> tuple[datetime, datetime]:
    tz = ZoneInfo(zone)
    start = datetime.combine(month.replace(day=1), time.min, tz)
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return start, datetime.combine(following, time.min, tz)


def _labels(refs: list[ExternalRef]) -> dict[tuple[str, int], str]:
    labels: dict[tuple[str, int], str] = {}
    for entity, (model, field) in LABELS.items():
        ids = [r.local_id for r in refs if r.entity == entity]
        rows = model._default_manager.filter(pk__in=ids).values_list("pk", field)
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
    held = (ExternalRef.State.ERROR, ExternalRef.State.REVIEW, ExternalRef.State.CONFLICT)
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
    return Report(month.replace(day=1), _rows(synced), _rows(review), by_status, reviews)


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
