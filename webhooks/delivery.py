"""One attempt at one delivery: claim it, sign, send, record, and schedule what's next.

A delivery is claimed by moving its ``next_attempt_at`` forward by a lease, in
one conditional UPDATE: only one worker wins, and if that worker dies the lease
runs out and the delivery is due again, with the same ``webhook-id`` and body
(receivers deduplicate on the id; delivery is at least once). A crashed attempt
leaves no attempt row and does not use up a retry.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from integrations.retry import Backoff, RetryAfter, RetryPolicy
from webhooks import client, endpoint_health, signing
from webhooks.client import Outcome
from webhooks.models import Attempt, Delivery, Endpoint, Event

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


@dataclass(frozen=True)
class Claimed:
    """A delivery this worker holds the lease on, with what sending it needs."""

    id: int
    organisation_id: int
    endpoint_id: int
    event_pk: int
    attempts: int
    manual: bool
    lease: datetime  # the next_attempt_at the claim wrote: only its holder may record


@dataclass(frozen=True)
class Sent:
    claimed: Claimed
    url: str
    started: datetime
    finished: datetime
    outcome: Outcome


def send(
    claimed: Claimed, endpoint: Endpoint, event: Event, pool: client.Pool | None = None
) -> Sent:
    """Sign and post one claimed delivery (no database access: safe in any thread)."""
    started = timezone.now()
    headers = signing.headers(
        endpoint.signing_secrets(started), event.event_id, started, event.body
    )
    outcome = client.post(endpoint.url, event.body.encode(), headers, pool)
    return Sent(claimed, endpoint.url, started, timezone.now(), outcome)


def attempt(delivery_id: int) -> Delivery | None:
    """Make the attempt if the delivery is due; None when there was nothing to do."""
    delivery = claim(delivery_id, timezone.now())
    if delivery is None:
        return None
    endpoint = delivery.endpoint
    if not endpoint.enabled:
        cancel([delivery.pk])
        return delivery
    claimed = Claimed(
        id=delivery.pk,
        organisation_id=delivery.organisation_id,
        endpoint_id=endpoint.pk,
        event_pk=delivery.event_id,
        attempts=delivery.attempts,
        manual=delivery.manual,
        lease=_lease_token(delivery),
    )
    record([send(claimed, endpoint, delivery.event)])
    return delivery


def _lease_token(delivery: Delivery) -> datetime:
    if delivery.next_attempt_at is None:  # a claim always writes it
        raise ValueError(f"delivery {delivery.pk} was claimed without a lease")
    return delivery.next_attempt_at


def cancel(delivery_ids: list[int]) -> None:
    """Deliveries claimed for an endpoint that has since been disabled: never sent."""
    Delivery.objects.filter(pk__in=delivery_ids).update(
        status=Delivery.Status.CANCELLED, next_attempt_at=None
    )


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


# Each attempt's outcome moves its delivery on in one statement for the whole batch,
# and only where the lease is still the sender's (one outlived is someone else's now).
_UPDATE = """
UPDATE {table} AS d SET
    attempts = v.attempts, status = v.status, manual = false, next_attempt_at = v.next_at,
    hinted_at = NULL, last_attempt_at = v.started, last_status_code = v.code,
    last_duration_ms = v.ms, last_error = v.error
FROM unnest(
    %s::bigint[], %s::timestamptz[], %s::integer[], %s::text[], %s::timestamptz[],
    %s::timestamptz[], %s::integer[], %s::integer[], %s::text[]
) AS v(id, lease, attempts, status, next_at, started, code, ms, error)
WHERE d.id = v.id AND d.next_attempt_at = v.lease
"""


def record(sent: list[Sent]) -> None:
    """Write every attempt row and move every delivery on: two statements per batch."""
    if not sent:
        return
    states = [_next_state(s.claimed, s.outcome, s.claimed.attempts + 1, s.finished) for s in sent]
    with transaction.atomic():
        Attempt.objects.bulk_create(_attempt_row(s) for s in sent)
        rows = [_update_row(s, state) for s, state in zip(sent, states, strict=True)]
        if connection.vendor == "postgresql":
            columns = [list(column) for column in zip(*rows, strict=True)]
            with connection.cursor() as cursor:
                cursor.execute(_UPDATE.format(table=Delivery._meta.db_table), columns)
        else:
            _move_on_one_by_one(rows)
        for gone in {s.claimed.endpoint_id for s in sent if s.outcome.status == GONE}:
            _disable(gone, "The receiver answered 410 Gone.")
        for endpoint_id, newest in _newest_by_endpoint(sent).items():
            endpoint_health.after_attempt(endpoint_id, newest.outcome.succeeded, newest.started)


def _move_on_one_by_one(rows: list[tuple[Any, ...]]) -> None:
    """_UPDATE for a database without arrays (make run's SQLite): a statement a row, the
    same lease condition."""
    for pk, lease, attempts, status, next_at, started, code, ms, error in rows:
        Delivery.objects.filter(pk=pk, next_attempt_at=lease).update(
            attempts=attempts,
            status=status,
            manual=False,
            next_attempt_at=next_at,
            hinted_at=None,
            last_attempt_at=started,
            last_status_code=code,
            last_duration_ms=ms,
            last_error=error,
        )


def _newest_by_endpoint(sent: list[Sent]) -> dict[int, Sent]:
    """Each endpoint's latest attempt in the batch: it alone says whether the endpoint's
    failing spell goes on (one health update per endpoint, not per attempt)."""
    newest: dict[int, Sent] = {}
    for one in sorted(sent, key=lambda one: one.started):
        newest[one.claimed.endpoint_id] = one
    return newest


def _attempt_row(sent: Sent) -> Attempt:
    claimed, outcome = sent.claimed, sent.outcome
    return Attempt(
        organisation_id=claimed.organisation_id,
        delivery_id=claimed.id,
        number=claimed.attempts + 1,
        trigger=Attempt.Trigger.MANUAL if claimed.manual else Attempt.Trigger.SCHEDULED,
        started_at=sent.started,
        duration_ms=outcome.duration_ms,
        url=sent.url,
        resolved_ip=outcome.resolved_ip,
        response_status=outcome.status,
        response_body=outcome.body.replace("\x00", ""),
        error_class=outcome.error_class,
        error=outcome.error[:300],
    )


def _update_row(sent: Sent, state: tuple[str, datetime | None]) -> tuple[object, ...]:
    claimed, outcome = sent.claimed, sent.outcome
    status, next_at = state
    return (
        claimed.id,
        claimed.lease,
        claimed.attempts + 1,
        status,
        next_at,
        sent.started,
        outcome.status,
        outcome.duration_ms,
        outcome.error[:300],
    )


def _next_state(
    claimed: Claimed, outcome: Outcome, number: int, finished: datetime
) -> tuple[str, datetime | None]:
    if outcome.succeeded:
        return Delivery.Status.SUCCEEDED, None
    if claimed.manual:
        return Delivery.Status.FAILED, None  # a Resend is tried once
    delay = next_delay(number, outcome.retry_after, outcome.status)
    if delay is None:
        return Delivery.Status.FAILED, None
    return Delivery.Status.RETRYING, finished + delay


def _disable(endpoint_id: int, reason: str) -> None:
    Endpoint.objects.filter(pk=endpoint_id).update(enabled=False, disabled_reason=reason)
    Delivery.objects.filter(endpoint_id=endpoint_id, status__in=Delivery.ACTIVE).update(
        status=Delivery.Status.CANCELLED, next_attempt_at=None
    )
