"""The monthly reconciliation: what synced, what failed, what needs a person."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db.models import Count

from accounting.models import Entity, ExternalRef, SyncRun
from operations.models import Customer, Invoice, Payment
from tenancy.models import Organisation

LABELS = {
    Entity.INVOICE: (Invoice, "number"),
    Entity.CUSTOMER: (Customer, "name"),
    Entity.PAYMENT: (Payment, "reference"),
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
class Report:
    month: date
    synced: list[Row]
    needs_review: list[Row]
    runs_by_status: dict[str, int]


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
    review = list(refs.filter(state__in=(ExternalRef.State.ERROR, ExternalRef.State.REVIEW)))
    runs = SyncRun.objects.for_organisation(organisation).filter(
        started_at__gte=start, started_at__lt=end
    )
    by_status = dict(runs.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return Report(month.replace(day=1), _rows(synced), _rows(review), by_status)


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
    return out.getvalue()
