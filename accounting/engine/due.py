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
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db import connection as db_connection
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from accounting.engine.adapter import AccountingAdapter, Mappings
from accounting.models import Entity, ExternalRef, IncludedRecord, PushCursor, PushSettings
from integrations.models import Connection
from operations.models import (
    CreditNote,
    Customer,
    EquipmentItem,
    Invoice,
    Payment,
    PurchaseOrder,
    Quote,
    Timesheet,
)

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
    # Provably nothing to read: no record changed since the cursor, no link unsettled or
    # awaited, nothing included, not a full check. Its phase has nothing to do.
    quiet: bool = False

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


# The table a phase's records come from: a phase's rows are always a subset of this
# table's rows of the organisation, so none changed since the cursor means none to read.
CHANGED_IN: dict[str, type[Model]] = {
    Entity.CUSTOMER: Customer,
    Entity.VENDOR: Customer,
    Entity.ITEM: EquipmentItem,
    Entity.QUOTE: Quote,
    Entity.INVOICE: Invoice,
    Entity.CREDIT_NOTE: CreditNote,
    Entity.ALLOCATION: CreditNote,
    Entity.PAYMENT: Payment,
    Entity.PURCHASE_ORDER: PurchaseOrder,
    Entity.TIME_ACTIVITY: Timesheet,
}


@dataclass(frozen=True)
class Need:
    """One push phase of a run: its entity, the context of its payloads, and what its
    records wait on, (field, entity), e.g. an invoice on its customer's link."""

    entity: str
    context: str
    waits_on: tuple[str, str] | None = None


def document(entity: str, context: str) -> Need:
    """A quote, invoice or credit note: it waits on its customer's link."""
    return Need(entity, context, ("customer_id", Entity.CUSTOMER))


@dataclass(frozen=True)
class _Links:
    """The run's links that are not settled, or of an awaited kind and changed since the
    earliest cursor, and the inclusions since it: what every window needs, read once."""

    refs: list[tuple[str, int, str, bool, datetime]]
    included: list[tuple[str, int, datetime]]

    def window(self, need: Need, cursor: PushCursor, now: datetime, changed: bool) -> Window:
        field, awaited = need.waits_on or ("customer_id", "")
        unsettled: set[int] = set()
        waiting_on: set[int] = set()
        in_flight = False
        for entity, local_id, state, excluded, updated_at in self.refs:
            linked = state == ExternalRef.State.LINKED
            if entity == need.entity:
                # A batch sent without an answer is resent (push.plan), excluded or not.
                in_flight = in_flight or state == ExternalRef.State.PENDING
                if not linked and not excluded:
                    unsettled.add(local_id)
            elif entity == awaited and not excluded and (not linked or updated_at >= cursor.since):
                waiting_on.add(local_id)
        for entity, local_id, included_at in self.included:
            if entity == need.entity and included_at >= cursor.since:
                unsettled.add(local_id)
        return Window(
            cursor.connection,
            need.entity,
            need.context,
            started_at=now,
            since=cursor.since,
            full_check_at=cursor.full_check_at,
            unsettled=frozenset(unsettled),
            waiting_on=frozenset(waiting_on),
            waiting_field=field,
            quiet=not (unsettled or waiting_on or in_flight or changed),
        )


def _links(connection: Connection, needs: Sequence[Need], earliest: datetime) -> _Links:
    awaited = sorted({need.waits_on[1] for need in needs if need.waits_on})
    # Arms that each match an index: the partial index of unsettled links, and the
    # changed one (connection, entity, updated_at) for the awaited kinds.
    wanted = ~Q(state=ExternalRef.State.LINKED)
    if awaited:
        wanted |= Q(entity__in=awaited, updated_at__gte=earliest)
    refs = ExternalRef.objects.filter(connection=connection).filter(wanted)
    included = IncludedRecord.objects.filter(connection=connection, included_at__gte=earliest)
    return _Links(
        list(refs.values_list("entity", "local_id", "state", "excluded", "updated_at")),
        list(included.values_list("entity", "local_id", "included_at")),
    )


def _changed(connection: Connection, since: dict[str, datetime]) -> dict[str, bool]:
    """Per entity, whether any row of its table in the organisation changed since its
    cursor: one statement of EXISTS subqueries, each on the table's updated_at index."""
    entities = sorted(since)
    if not entities:
        return {}
    quote = db_connection.ops.quote_name
    checks = []
    params: list[Any] = []
    for entity in entities:
        table = quote(CHANGED_IN[entity]._meta.db_table)
        checks.append(
            f"EXISTS (SELECT 1 FROM {table} WHERE {quote('organisation_id')} = %s"  # noqa: S608 - names from the models
            f" AND {quote('updated_at')} >= %s)"
        )
        params += [connection.organisation_id, since[entity]]
    with db_connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(checks)}", params)
        row = cursor.fetchone()
    return {entity: bool(found) for entity, found in zip(entities, row or (), strict=True)}


def _incremental(cursor: PushCursor | None, need: Need, now: datetime) -> bool:
    return (
        cursor is not None
        and cursor.context == need.context
        and now - cursor.full_check_at < FULL_CHECK_EVERY
    )


@dataclass
class Windows:
    """A run's push windows, read together (four statements however many phases): the
    cursors, the unsettled links and inclusions, and which tables changed. A phase whose
    window is quiet does nothing and costs no statement; the quiet cursors move on
    together at the end (``advance_quiet``).

    Read before any push of the run, they stay exact while the run writes nothing they
    depend on. A push phase writes links of its own kind only (and reviews, audit, the
    run), so after a phase with work, the phases that wait on its kind (an invoice on its
    customer's link) read their windows one by one, as they always did; the others keep
    theirs."""

    connection: Connection
    needs: dict[str, Need]
    read: dict[str, Window]
    started_at: datetime
    # Kinds whose phase had work in this run: their links may have changed.
    worked: set[str] = field(default_factory=set)
    quiet: list[str] = field(default_factory=list)

    def take(self, entity: str) -> Window:
        need = self.needs[entity]
        if need.waits_on is not None and need.waits_on[1] in self.worked:
            return window(self.connection, entity, need.context, waits_on=need.waits_on)
        return self.read[entity]

    def went_through(self, done: Window) -> None:
        """After a phase: a quiet one's cursor waits for ``advance_quiet``; one that did
        work advances now, and the phases waiting on its kind read afresh."""
        if done.quiet:
            self.quiet.append(done.entity)
            return
        advance(done)
        self.worked.add(done.entity)

    def advance_quiet(self) -> None:
        """One UPDATE for the cursors of the quiet phases: nothing was read, so only when
        the next read starts moves (their context and full check stay as they were)."""
        if self.quiet:
            PushCursor.objects.filter(connection=self.connection, entity__in=self.quiet).update(
                since=self.started_at - OVERLAP
            )
            self.quiet = []


def windows(connection: Connection, needs: Sequence[Need]) -> Windows:
    """The windows of every phase of a run (see ``Windows``)."""
    now = timezone.now()
    cursors = {c.entity: c for c in PushCursor.objects.filter(connection=connection)}
    incremental = [need for need in needs if _incremental(cursors.get(need.entity), need, now)]
    read = {
        need.entity: Window(connection, need.entity, need.context, now, None, now, frozenset())
        for need in needs
    }
    if incremental:
        earliest = min(cursors[need.entity].since for need in incremental)
        links = _links(connection, incremental, earliest)
        changed = _changed(connection, {n.entity: cursors[n.entity].since for n in incremental})
        for need in incremental:
            cursor = cursors[need.entity]
            cursor.connection = connection  # the run's, not a second read of it
            read[need.entity] = links.window(need, cursor, now, changed[need.entity])
    return Windows(connection, {need.entity: need for need in needs}, read, now)
