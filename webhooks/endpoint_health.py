"""An endpoint's health across deliveries: since when every attempt has failed, the
automatic disable after five days of that, and Re-enable, which sends again what the
endpoint missed.

``delivery`` notes each endpoint's newest outcome once per recorded batch (inside its
transaction);
the notices about failing and disabled endpoints are the attention app's, read from the
two fields kept here (docs/notifications.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from webhooks import outbox
from webhooks.models import Delivery, Endpoint, Event

FAILING_NOTICE_AFTER = timedelta(hours=24)
DISABLE_AFTER = timedelta(days=5)
DISABLED_REASON = "Disabled by Patchbay after 5 days in which every delivery failed."


def after_attempt(endpoint_id: int, succeeded: bool, at: datetime) -> None:
    """Note an attempt's outcome: a success ends the failing spell, a failure starts one
    (or, five days into it, disables the endpoint)."""
    rows = Endpoint.objects.filter(pk=endpoint_id)
    if succeeded:
        rows.filter(failing_since__isnull=False).update(failing_since=None)
        return
    rows.filter(failing_since__isnull=True).update(failing_since=at)
    spell_over = rows.filter(enabled=True, failing_since__lte=at - DISABLE_AFTER)
    if spell_over.update(enabled=False, disabled_reason=DISABLED_REASON, auto_disabled_at=at):
        Delivery.objects.filter(endpoint_id=endpoint_id, status__in=Delivery.ACTIVE).update(
            status=Delivery.Status.CANCELLED, next_attempt_at=None
        )


def recovered(endpoint_ids: list[int]) -> None:
    """after_attempt for a batch's endpoints whose newest attempt succeeded, in one
    statement (delivery.record's does the same inside its own on PostgreSQL)."""
    if endpoint_ids:
        Endpoint.objects.filter(pk__in=endpoint_ids, failing_since__isnull=False).update(
            failing_since=None
        )


@transaction.atomic
def re_enable(endpoint: Endpoint) -> int:
    """Enable the endpoint again and send what it missed since it started failing: its
    failed and cancelled deliveries, and the subscribed events written while it was off.
    Returns how many deliveries are due now."""
    locked = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    since = locked.failing_since or locked.auto_disabled_at or timezone.now()
    now = timezone.now()
    missed = Delivery.objects.filter(
        endpoint=locked,
        status__in=(Delivery.Status.FAILED, Delivery.Status.CANCELLED),
        event__created_at__gte=since,
    )
    ids = list(missed.values_list("pk", flat=True))
    missed.update(
        status=Delivery.Status.PENDING,
        attempts=0,
        manual=False,
        next_attempt_at=now,
        hinted_at=now,
    )
    ids += _deliver_unsent_events(locked, since, now)
    locked.enabled, locked.disabled_reason, locked.auto_disabled_at = True, "", None
    locked.save(update_fields=["enabled", "disabled_reason", "auto_disabled_at"])
    endpoint.refresh_from_db()
    if ids:
        transaction.on_commit(lambda: outbox.wake(ids))
    return len(ids)


def _deliver_unsent_events(endpoint: Endpoint, since: datetime, now: datetime) -> list[int]:
    """Deliveries for the subscribed events written while the endpoint was disabled."""
    unsent = (
        Event.objects.filter(
            organisation_id=endpoint.organisation_id,
            created_at__gte=since,
            type__in=endpoint.event_types or [],
        )
        .filter(~Q(deliveries__endpoint=endpoint))
        .order_by("created_at", "pk")
    )
    created = Delivery.objects.bulk_create(
        Delivery(
            organisation_id=endpoint.organisation_id,
            event=event,
            endpoint=endpoint,
            next_attempt_at=now,
            hinted_at=now,
        )
        for event in unsent
    )
    return [delivery.pk for delivery in created]
