"""The transactional outbox: an event and its deliveries, written with the change itself.

``record`` runs inside the caller's transaction (``operations.events.emit`` calls it,
installed by ``WebhooksConfig.ready``), so a rolled-back change leaves no event and a
committed one always has its event. Workers are woken after the commit; if that
wake-up is lost, the sweeper (``webhooks.tasks``) finds the due deliveries in
PostgreSQL and wakes them again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from webhooks.models import Delivery, Endpoint, Event
from webhooks.signing import new_event_id

logger = logging.getLogger(__name__)


def record(
    organisation_id: int,
    event_type: str,
    data: dict[str, Any],
    endpoints: Sequence[Endpoint] | None = None,
) -> Event:
    """Write the event and one due delivery per subscribed endpoint (or per ``endpoints``)."""
    now = timezone.now()
    body = json.dumps(
        {"type": event_type, "timestamp": now.isoformat(), "data": data},
        cls=DjangoJSONEncoder,
        separators=(",", ":"),
    )
    if endpoints is None and connection.vendor == "postgresql":
        event, ids = _record_in_one_statement(organisation_id, event_type, body, now)
    else:
        event, ids = _record_with_orm(organisation_id, event_type, body, now, endpoints)
    if ids and transaction.get_connection().in_atomic_block:
        _pending_wake().ids.extend(ids)  # sent after commit, with the rest of the transaction's
    elif ids:
        wake(ids)  # autocommit: already committed
    return event


# Every event of a busy organisation is one statement: the event, and a delivery for each
# enabled endpoint subscribed to its type (found by the database, not by reading every
# endpoint into Python for each event).
_RECORD = """
WITH made AS (
    INSERT INTO {events} (organisation_id, event_id, type, body, created_at)
    VALUES (%(organisation)s, %(event_id)s, %(type)s, %(body)s, %(now)s)
    RETURNING id
), due AS (
    INSERT INTO {deliveries} (organisation_id, event_id, endpoint_id, status, attempts, manual,
        next_attempt_at, hinted_at, last_error, created_at)
    SELECT %(organisation)s, made.id, ep.id, 'pending', 0, false, %(now)s, %(now)s, '', %(now)s
      FROM made, {endpoints} AS ep
     WHERE ep.organisation_id = %(organisation)s AND ep.enabled
       AND ep.event_types @> jsonb_build_array(%(type)s::text)
     ORDER BY ep.id
    RETURNING id
)
SELECT (SELECT id FROM made), ARRAY(SELECT id FROM due ORDER BY id)
"""


def _record_in_one_statement(
    organisation_id: int, event_type: str, body: str, now: datetime
) -> tuple[Event, list[int]]:
    event_id = new_event_id()
    statement = _RECORD.format(
        events=Event._meta.db_table,
        deliveries=Delivery._meta.db_table,
        endpoints=Endpoint._meta.db_table,
    )
    params: dict[str, Any] = {
        "organisation": organisation_id,
        "event_id": event_id,
        "type": event_type,
        "body": body,
        "now": now,
    }
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        pk, ids = cursor.fetchone()
    event = Event(
        pk=pk,
        organisation_id=organisation_id,
        event_id=event_id,
        type=event_type,
        body=body,
        created_at=now,
    )
    event._state.adding = False  # a saved row, as Event.objects.create would return
    return event, list(ids)


def _record_with_orm(
    organisation_id: int,
    event_type: str,
    body: str,
    now: datetime,
    endpoints: Sequence[Endpoint] | None,
) -> tuple[Event, list[int]]:
    """The same rows for given ``endpoints`` (Re-enable), or on make run's SQLite, which
    has no JSON containment operator."""
    event = Event.objects.create(
        organisation_id=organisation_id, event_id=new_event_id(), type=event_type, body=body
    )
    if endpoints is None:
        endpoints = [e for e in _enabled(organisation_id) if e.wants(event_type)]
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            organisation_id=organisation_id,
            event=event,
            endpoint=endpoint,
            next_attempt_at=now,
            hinted_at=now,
        )
        for endpoint in endpoints
    )
    return event, [delivery.pk for delivery in deliveries]


class _Wake:
    """The after-commit wake-up of one transaction, shared by all the events it records:
    a worker claims whatever is due, so a burst of events needs one message, not one
    each (publishing one costs about a millisecond, and running one costs a worker)."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def __call__(self) -> None:
        wake(self.ids)


def _pending_wake() -> _Wake:
    # Django holds the transaction's callbacks, and drops those of a savepoint rolled back.
    for _, hook, _ in transaction.get_connection().run_on_commit:
        if isinstance(hook, _Wake):
            return hook
    pending = _Wake()
    transaction.on_commit(pending)
    return pending


def _enabled(organisation_id: int) -> list[Endpoint]:
    # Few endpoints per organisation: filter subscriptions in Python (no JSON operators
    # needed, so the same code runs on the development SQLite).
    rows = Endpoint.objects.filter(organisation_id=organisation_id, enabled=True)
    return list(rows.only("pk", "organisation_id", "enabled", "event_types"))


def wake(delivery_ids: Sequence[int]) -> None:
    """Send each delivery's wake-up message; on broker trouble leave it to the sweeper."""
    from webhooks.tasks import enqueue

    try:
        enqueue(delivery_ids)
    except Exception:  # the change is committed: never fail the caller for a lost hint
        logger.warning("Broker unavailable: %d deliveries left to the sweeper", len(delivery_ids))
        Delivery.objects.filter(pk__in=delivery_ids).update(hinted_at=None)
