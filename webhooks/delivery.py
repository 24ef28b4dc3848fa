"""One attempt at one delivery: claim it, sign, send, record, and schedule what's next.

A delivery is claimed by moving its ``next_attempt_at`` forward by a lease, in
one conditional UPDATE: only one worker wins, and if that worker dies the lease
runs out and the delivery is due again, with the same ``webhook-id`` and body
(receivers deduplicate on the id; delivery is at least once). A crashed attempt
leaves no attempt row and does not use up a retry.
"""

from __future__ import annotations

import json
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


# One statement a batch on PostgreSQL: every attempt row written, every delivery moved
# on (only where the lease is still the sender's: one outlived is someone else's now),
# and every endpoint whose newest attempt succeeded marked healthy. Built from arrays,
# not model instances: at a thousand deliveries a second the ORM's per-row work was
# most of a worker's CPU.
_RECORD = """
WITH v AS (
    SELECT * FROM json_to_recordset(%(rows)s::json) AS v(
        id bigint, lease timestamptz, attempts integer, status text, next_at timestamptz,
        started timestamptz, code integer, ms integer, error text, organisation bigint,
        trigger text, url text, ip text, body text, error_class text)
), logged AS (
    INSERT INTO {attempts} (organisation_id, delivery_id, number, trigger, started_at,
        duration_ms, url, resolved_ip, response_status, response_body, error_class, error)
    SELECT organisation, id, attempts, trigger, started, ms, url, ip, code, body,
           error_class, error
      FROM v
), moved AS (
    UPDATE {deliveries} AS d SET
        attempts = v.attempts, status = v.status, manual = false, next_attempt_at = v.next_at,
        hinted_at = NULL, last_attempt_at = v.started, last_status_code = v.code,
        last_duration_ms = v.ms, last_error = v.error
      FROM v
     WHERE d.id = v.id AND d.next_attempt_at = v.lease
), recovered AS (
    UPDATE {endpoints} SET failing_since = NULL
     WHERE id = ANY(%(recovered)s::bigint[]) AND failing_since IS NOT NULL
), failed AS (
    SELECT * FROM unnest(%(failed)s::bigint[], %(failed_at)s::timestamptz[]) AS f(id, at)
), failing AS (
    UPDATE {endpoints} AS e SET failing_since = failed.at
      FROM failed WHERE e.id = failed.id AND e.failing_since IS NULL
)
-- Endpoints five days into a failing spell, to be disabled (rare: done apart).
SELECT e.id, failed.at FROM {endpoints} AS e JOIN failed ON e.id = failed.id
 WHERE e.enabled AND e.failing_since <= failed.at - %(disable_after)s
"""


def record(sent: list[Sent]) -> None:
    """Write every attempt row, move every delivery on and note each endpoint's health."""
    if not sent:
        return
    states = [_next_state(s.claimed, s.outcome, s.claimed.attempts + 1, s.finished) for s in sent]
    newest = {
        endpoint_id: (one.outcome.succeeded, one.started)
        for endpoint_id, one in _newest_by_endpoint(sent).items()
    }
    with transaction.atomic():
        if connection.vendor == "postgresql":
            spells_over = _record_in_one_statement(sent, states, newest)
        else:
            Attempt.objects.bulk_create(_attempt_row(s) for s in sent)
            _move_on_one_by_one(
                [_update_row(s, state) for s, state in zip(sent, states, strict=True)]
            )
            endpoint_health.recovered([e for e, (succeeded, _) in newest.items() if succeeded])
            spells_over = [(e, at) for e, (succeeded, at) in newest.items() if not succeeded]
        # A failing spell starts, goes on, or (five days in) ends in a disable.
        for endpoint_id, at in spells_over:
            endpoint_health.after_attempt(endpoint_id, False, at)
        for gone in {s.claimed.endpoint_id for s in sent if s.outcome.status == GONE}:
            _disable(gone, "The receiver answered 410 Gone.")


def _record_in_one_statement(
    sent: list[Sent],
    states: list[tuple[str, datetime | None]],
    newest: dict[int, tuple[bool, datetime]],
) -> list[tuple[int, datetime]]:
    """_RECORD; returns the failing endpoints whose spell has lasted long enough to be
    disabled, with their newest failure's time."""
    rows = []
    for one, (status, next_at) in zip(sent, states, strict=True):
        claimed, outcome = one.claimed, one.outcome
        rows.append(
            {
                "id": claimed.id,
                "lease": claimed.lease.isoformat(),
                "attempts": claimed.attempts + 1,
                "status": status,
                "next_at": next_at.isoformat() if next_at else None,
                "started": one.started.isoformat(),
                "code": outcome.status,
                "ms": outcome.duration_ms,
                "error": outcome.error[:300],
                "organisation": claimed.organisation_id,
                "trigger": Attempt.Trigger.MANUAL if claimed.manual else Attempt.Trigger.SCHEDULED,
                "url": one.url,
                "ip": outcome.resolved_ip,
                "body": outcome.body.replace("\x00", ""),
                "error_class": outcome.error_class,
            }
        )
    # One JSON document, not fifteen arrays: psycopg quotes array elements one by one in
    # Python, which was a tenth of a worker's CPU; json.dumps is C.
    columns: dict[str, Any] = {"rows": json.dumps(rows)}
    columns["recovered"] = [endpoint_id for endpoint_id, (ok, _) in newest.items() if ok]
    failed = [(endpoint_id, at) for endpoint_id, (ok, at) in newest.items() if not ok]
    columns["failed"] = [endpoint_id for endpoint_id, _ in failed]
    columns["failed_at"] = [at for _, at in failed]
    columns["disable_after"] = endpoint_health.DISABLE_AFTER
    statement = _RECORD.format(
        attempts=Attempt._meta.db_table,
        deliveries=Delivery._meta.db_table,
        endpoints=Endpoint._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, columns)
        return [(endpoint_id, at) for endpoint_id, at in cursor.fetchall()]


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
