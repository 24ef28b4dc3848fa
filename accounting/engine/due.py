"""What a sync pushes: the records changed since the last push, not every record.

A record's `updated_at` is set in the same transaction as its change (auto_now; the
operations services name it in every `update_fields`), so a push reads only records
changed since its entity's `PushCursor`, plus those whose link isn't settled (an error
to retry, a batch in flight, a review). Work then follows what changed, not how many
records an organisation has.

What can change a payload without changing its record is caught another way: a change
of mappings or adapter changes the cursor's `context` (everything is read again), and a full
check once a day catches anything else. A document whose customer's link isn't settled
waits, and is read again until its customer's link settles (a link's `updated_at` marks
when it did, by a push, a pull or a person resolving a review).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounting.engine.adapter import AccountingAdapter, Mappings
from accounting.models import Entity, ExternalRef, IncludedRecord, PushCursor, PushSettings
from integrations.models import Connection

# A record saved by a transaction that began before a push read the rows but committed
# after it has an `updated_at` before the read: the next read starts this much earlier.
OVERLAP = timedelta(minutes=2)
FULL_CHECK_EVERY = timedelta(days=1)
# Raised when the engine changes what goes into payloads: every cursor's context changes.
PAYLOAD_VERSION = "1"

Q_ = TypeVar("Q_", bound=QuerySet[Any])


def context_of(adapter: AccountingAdapter, mappings: Mappings) -> str:
    choices = PushSettings.objects.filter(connection=adapter.connection).first()
    parts = {
        "version": PAYLOAD_VERSION,
        "adapter": type(adapter).__qualname__,
        "legal_entity": adapter.connection.legal_entity_id,
        "mappings": asdict(mappings),
        # A changed start date or status choice changes what is pushed: read all again.
        "push": [choices.invoice_status, choices.start_date] if choices else None,
    }
    canonical = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Window:
    """The records one push phase reads."""

    connection: Connection
    entity: str
    context: str
    started_at: datetime
    since: datetime | None  # None: every record (a full check)
    full_check_at: datetime
    unsettled: frozenset[int]
    # Customers whose link isn't settled or changed since: their documents are read too.
    waiting_on: frozenset[int] = frozenset()
    # The field naming what a record waits on (a payment waits on its invoice).
    waiting_field: str = "customer_id"

    def rows(self, records: Q_) -> Q_:
        if self.since is None:
            return records
        changed = Q(updated_at__gte=self.since) | Q(pk__in=self.unsettled)
        if self.waiting_on:
            changed |= Q(**{f"{self.waiting_field}__in": self.waiting_on})
        return records.filter(changed)


def _unsettled(
    connection: Connection, entity: str, awaited: str = "", changed_since: datetime | None = None
) -> tuple[frozenset[int], frozenset[int]]:
    """Records of `entity` whose link isn't settled, and records of `awaited` (if any)
    whose link isn't settled or changed since `changed_since`: one statement for both (a
    quiet sync makes one per push phase, and each statement's ORM work is most of its CPU)."""
    # Top-level arms, each matching an index (the partial unsettled one, or the changed
    # one), so PostgreSQL can OR index scans rather than read all of a kind's links.
    unsettled = ~Q(state=ExternalRef.State.LINKED)
    wanted = Q(entity__in=[entity, awaited] if awaited else [entity]) & unsettled
    if awaited and changed_since is not None:
        wanted |= Q(entity=awaited, updated_at__gte=changed_since)
    refs = ExternalRef.objects.filter(connection=connection).filter(wanted)
    # An excluded record stays out until someone includes it (which touches the record).
    rows = refs.exclude(excluded=True).values_list("entity", "local_id")
    own: set[int] = set()
    others: set[int] = set()
    for row_entity, local_id in rows:
        if row_entity == entity:
            own.add(local_id)
        if row_entity == awaited:
            others.add(local_id)
    return frozenset(own), frozenset(others)


def _included(connection: Connection, entity: str, since: datetime) -> frozenset[int]:
    """Records before the start date that a person included since: read them now."""
    rows = IncludedRecord.objects.filter(
        connection=connection, entity=entity, included_at__gte=since
    )
    return frozenset(rows.values_list("local_id", flat=True))


def window(
    connection: Connection,
    entity: str,
    context: str,
    *,
    document: bool = False,
    waits_on: tuple[str, str] | None = None,
) -> Window:
    """The records `entity`'s push reads; for a `document` (quote, invoice, credit note)
    also those whose customer's link isn't settled or changed since, and for a record
    that `waits_on` another (field, entity), e.g. a payment on its invoice's link, those
    whose other record's link isn't settled or changed since."""
    now = timezone.now()
    cursor = PushCursor.objects.filter(connection=connection, entity=entity).first()
    if (
        cursor is None
        or cursor.context != context
        or now - cursor.full_check_at >= FULL_CHECK_EVERY
    ):
        return Window(connection, entity, context, now, None, now, frozenset())
    field, awaited = waits_on or ("customer_id", Entity.CUSTOMER if document else "")
    unsettled, waiting_on = _unsettled(connection, entity, awaited, changed_since=cursor.since)
    return Window(
        connection,
        entity,
        context,
        started_at=now,
        since=cursor.since,
        full_check_at=cursor.full_check_at,
        unsettled=unsettled | _included(connection, entity, cursor.since),
        waiting_on=waiting_on,
        waiting_field=field,
    )


def advance(done: Window) -> None:
    """After a push phase went through: the next reads from when this one read (less the
    overlap for transactions that committed late). One UPDATE for a cursor that exists
    (every run but a connection's first), not update_or_create's locked read in a
    transaction: a quiet sync advances eight of them."""
    fields = {
        "organisation_id": done.connection.organisation_id,
        "since": done.started_at - OVERLAP,
        "context": done.context,
        "full_check_at": done.full_check_at,
    }
    cursors = PushCursor.objects.filter(connection=done.connection, entity=done.entity)
    if not cursors.update(**fields):
        PushCursor.objects.update_or_create(
            connection=done.connection, entity=done.entity, defaults=fields
        )
