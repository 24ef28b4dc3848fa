"""One attempt at one delivery: claim it, sign, send, record, and schedule what's next.

A delivery is claimed by moving its ``next_attempt_at`` forward by a lease, in
one conditional UPDATE: only one worker wins, and if that worker dies the lease
runs out and the delivery is due again, with the same ``webhook-id`` and body
(receivers deduplicate on the id; delivery is at least once). A crashed attempt
leaves no attempt row and does not use up a retry.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from integrations.retry import Backoff, RetryAfter, RetryPolicy
from webhooks import client, endpoint_health, signing
from webhooks.client import Outcome
from webhooks.models import Attempt, Delivery, Endpoint

GONE = 410  # Standard Webhooks: the receiver asks never to be called again
MAX_DELAY = timedelta(hours=12)


def lease() -> timedelta:
    # Never shorter than one whole attempt can take, or a slow attempt could be doubled.
    floor = settings.WEBHOOKS_CONNECT_TIMEOUT + settings.WEBHOOKS_TOTAL_TIMEOUT + 5
    return timedelta(seconds=max(settings.WEBHOOKS_LEASE_SECONDS, math.ceil(floor)))


def claim(delivery_id: int, now: datetime) -> Delivery | None:
    until = now + lease()
    won = Delivery.objects.filter(
        pk=delivery_id, status__in=Delivery.ACTIVE, next_attempt_at__lte=now
    ).update(next_attempt_at=until, hinted_at=None)  # the wake-up is used up
    if not won:
        return None  # not due (a duplicate wake-up), finished, or another worker has it
    return Delivery.objects.select_related("event", "endpoint").get(pk=delivery_id)


def attempt(delivery_id: int) -> Delivery | None:
    """Make the attempt if the delivery is due; None when there was nothing to do."""
    started = timezone.now()
    delivery = claim(delivery_id, started)
    if delivery is None:
        return None
    lease_token = delivery.next_attempt_at
    endpoint, event = delivery.endpoint, delivery.event
    if not endpoint.enabled:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.CANCELLED, next_attempt_at=None
        )
        return delivery
    headers = signing.headers(
        endpoint.signing_secrets(started), event.event_id, started, event.body
    )
    outcome = client.post(endpoint.url, event.body.encode(), headers)
    _record(delivery, outcome, started, lease_token)
    return delivery


def retry_policy() -> RetryPolicy:
    """The documented schedule, read from settings on each use (tests change it): a
    failure is retried unless the receiver answered 410 Gone; its Retry-After can only
    delay a retry, never beyond MAX_DELAY."""
    jitter = settings.WEBHOOKS_RETRY_JITTER
    return RetryPolicy(
        # Jitter only upwards, so no retry is ever earlier than the documented schedule.
        Backoff.scheduled(tuple(settings.WEBHOOKS_RETRY_DELAYS), jitter=(1.0, 1.0 + jitter)),
        retry_after=RetryAfter.AT_LEAST,
        longest_wait_s=MAX_DELAY.total_seconds(),
        final_statuses=frozenset({GONE}),
    )


def next_delay(
    failed_attempts: int, retry_after: int | None = None, status: int | None = None
) -> timedelta | None:
    """The wait after the ``failed_attempts``-th failure, or None when retries are spent
    (or the answer ``status`` is never retried)."""
    seconds = retry_policy().next_wait(failed_attempts, status=status, retry_after=retry_after)
    return None if seconds is None else timedelta(seconds=seconds)


def _record(
    delivery: Delivery, outcome: Outcome, started: datetime, lease_token: datetime | None
) -> None:
    finished = timezone.now()
    with transaction.atomic():
        number = delivery.attempts + 1
        Attempt.objects.create(
            organisation_id=delivery.organisation_id,
            delivery=delivery,
            number=number,
            trigger=Attempt.Trigger.MANUAL if delivery.manual else Attempt.Trigger.SCHEDULED,
            started_at=started,
            duration_ms=outcome.duration_ms,
            url=delivery.endpoint.url,
            resolved_ip=outcome.resolved_ip,
            response_status=outcome.status,
            response_body=outcome.body.replace("\x00", ""),
            error_class=outcome.error_class,
            error=outcome.error[:300],
        )
        status, next_at = _next_state(delivery, outcome, number, finished)
        # Only the lease holder moves the delivery on (a lease outlived is someone else's now).
        Delivery.objects.filter(pk=delivery.pk, next_attempt_at=lease_token).update(
            attempts=number,
            status=status,
            manual=False,
            next_attempt_at=next_at,
            hinted_at=None,
            last_attempt_at=started,
            last_status_code=outcome.status,
            last_duration_ms=outcome.duration_ms,
            last_error=outcome.error[:300],
        )
        if outcome.status == GONE:
            _disable(delivery.endpoint, "The receiver answered 410 Gone.")
        endpoint_health.after_attempt(delivery.endpoint_id, outcome.succeeded, started)


def _next_state(
    delivery: Delivery, outcome: Outcome, number: int, finished: datetime
) -> tuple[str, datetime | None]:
    if outcome.succeeded:
        return Delivery.Status.SUCCEEDED, None
    if delivery.manual:
        return Delivery.Status.FAILED, None  # a Resend is tried once
    delay = next_delay(number, outcome.retry_after, outcome.status)
    if delay is None:
        return Delivery.Status.FAILED, None
    return Delivery.Status.RETRYING, finished + delay


def _disable(endpoint: Endpoint, reason: str) -> None:
    Endpoint.objects.filter(pk=endpoint.pk).update(enabled=False, disabled_reason=reason)
    Delivery.objects.filter(endpoint=endpoint, status__in=Delivery.ACTIVE).update(
        status=Delivery.Status.CANCELLED, next_attempt_at=None
    )
