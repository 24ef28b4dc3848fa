"""Celery tasks: deliver a few deliveries, and the sweeper that re-wakes due ones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from integrations.partitions import History, maintain
from webhooks import fanout
from webhooks.models import Attempt, Delivery

SWEEP_BATCH = 5_000
# Deliveries per wake-up message. A worker claims whatever is due, not the ids it was
# sent, so one message per burst is enough; the ids say what woke it (logs, tests).
WAKE_BATCH = 1_000
RETRY_PUMP_SECONDS = 1
ATTEMPTS = History(Attempt._meta.db_table, "started_at")


@shared_task(ignore_result=True)
def deliver(delivery_ids: list[int]) -> None:
    """Wake this worker's pump (webhooks.fanout): it delivers everything that is due."""
    try:
        fanout.deliver_due(hand_over=lambda: enqueue([]))
    except Exception:
        # Its claims come back when their leases end; wake a worker for them and for
        # whatever else is due rather than leave it all to the sweeper's next round.
        deliver.apply_async(([],), queue=settings.WEBHOOKS_QUEUE, countdown=RETRY_PUMP_SECONDS)
        raise


def enqueue(delivery_ids: Sequence[int]) -> None:
    ids = list(delivery_ids)
    if not ids:
        deliver.apply_async(([],), queue=settings.WEBHOOKS_QUEUE)
    for start in range(0, len(ids), WAKE_BATCH):
        chunk = ids[start : start + WAKE_BATCH]
        deliver.apply_async((chunk,), queue=settings.WEBHOOKS_QUEUE)


@shared_task
def sweep_due_deliveries() -> int:
    return sweep(timezone.now())


def sweep(now: datetime, batch: int = SWEEP_BATCH) -> int:
    """Wake every due delivery that has no recent wake-up message.

    Rows are locked with SKIP LOCKED so two sweepers never wake the same rows, and
    the messages are sent inside the transaction: if the broker refuses them, the
    marks roll back and the next sweep tries again.
    """
    stale = now - timedelta(seconds=settings.WEBHOOKS_REHINT_SECONDS)
    with transaction.atomic():
        due = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status__in=Delivery.ACTIVE, next_attempt_at__lte=now)
            .filter(Q(hinted_at__isnull=True) | Q(hinted_at__lte=stale))
            .order_by("next_attempt_at")
        )
        ids = list(due.values_list("pk", flat=True)[:batch])
        Delivery.objects.filter(pk__in=ids).update(hinted_at=now)
        enqueue(ids)
    return len(ids)


@shared_task
def maintain_attempt_partitions() -> dict[str, list[str]]:
    """Delivery attempts' coming months partitioned ahead, months past retention dropped
    (a delivery keeps its status and last outcome; only its attempts' detail goes)."""
    done = maintain(
        ATTEMPTS,
        timezone.now(),
        ahead=settings.HISTORY_PARTITIONS_AHEAD,
        keep_months=settings.WEBHOOK_ATTEMPT_RETENTION_MONTHS,
    )
    return {"created": done.created, "dropped": done.dropped}
