"""Pushing records: new ones created in batches, changed ones updated unless the ledger
changed them too.

Before a batch is sent its records are marked pending with their keys; after the
answer, links (or errors) are saved in one transaction. A crash between the two
leaves pending records, which the next run sends first, as the same batches with the
same request key, so the provider replays instead of creating twice. Creates run up to
the provider's concurrency limit in parallel; updates read the remote records first
(the conflict check) and go one batch at a time.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from accounting.engine import reviews
from accounting.engine.adapter import AccountingAdapter, Outgoing, PushResult, Remote
from accounting.models import Entity, ExternalRef
from integrations import runs
from integrations.models import Connection, SyncRun

KEY_NAMESPACE = uuid.UUID("4f5b2a36-3f0e-4d43-9a63-7f4d2c1b9e10")
Send = Callable[[str, Sequence[Outgoing], str], list[PushResult]]
HELD = (ExternalRef.State.REVIEW, ExternalRef.State.CONFLICT, ExternalRef.State.REMOVED)


def fingerprint(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def record_key(
    connection: Connection, entity: str, local_id: int, version: str, attempt: int = 0
) -> str:
    """Deterministic per record version: the same record and payload, the same key. A
    record a person pushes again after the ledger deleted it (``attempt``) gets a new
    key, or the provider would answer with the deleted record's create."""
    name = f"{connection.pk}:{entity}:{local_id}:{version}"
    return f"pb-{uuid.uuid5(KEY_NAMESPACE, f'{name}:{attempt}' if attempt else name)}"


def batch_key(batch: Sequence[Outgoing]) -> str:
    """One request's key, derived from its records' keys (Xero keys whole requests)."""
    joined = ",".join(item.idempotency_key for item in batch)
    return f"pb-batch-{hashlib.sha256(joined.encode()).hexdigest()[:48]}"


@dataclass
class Plan:
    """What one entity's push will do."""

    # Batches a crashed run sent without learning the answer, with their request keys.
    resend: dict[str, list[Outgoing]] = field(default_factory=dict)
    creates: list[Outgoing] = field(default_factory=list)
    updates: list[Outgoing] = field(default_factory=list)
    unchanged: int = 0
    held: int = 0


def plan(
    connection: Connection,
    entity: str,
    records: Sequence[tuple[int, dict[str, Any]]],
    owned: Callable[[dict[str, Any]], dict[str, Any]],
) -> Plan:
    refs = {
        ref.local_id: ref
        for ref in ExternalRef.objects.filter(
            connection=connection, entity=entity, local_id__in=[pk for pk, _ in records]
        )
    }
    result = Plan(resend=_unanswered(connection, entity))
    resending = {item.local_id for batch in result.resend.values() for item in batch}
    for local_id, payload in records:
        ref = refs.get(local_id)
        attempt = ref.attempt if ref is not None else 0
        key = record_key(connection, entity, local_id, fingerprint(payload), attempt)
        item = Outgoing(local_id, payload, fingerprint(owned(payload)), key)
        if local_id in resending:
            continue  # its earlier version goes first; a change since is an update next run
        if ref is not None and (ref.state in HELD or ref.excluded):
            result.held += 1
        elif ref is None or not ref.remote_id:
            result.creates.append(item)
        elif item.fingerprint == ref.pushed_fingerprint:
            result.unchanged += 1
        else:
            result.updates.append(
                Outgoing(
                    local_id, payload, item.fingerprint, key, ref.remote_id, ref.remote_version
                )
            )
    return result


def _unanswered(connection: Connection, entity: str) -> dict[str, list[Outgoing]]:
    """Batches a crashed run sent without saving the answer, rebuilt from what was stored
    when they were sent (the same bodies, keys and grouping), so the provider replays
    them. A batch some of whose records were linked since (a pull recognised them) can't
    be replayed under its key with fewer records: the rest go as new creates."""
    pending = ExternalRef.objects.filter(
        connection=connection, entity=entity, state=ExternalRef.State.PENDING, remote_id=""
    ).exclude(batch_key="")
    groups: dict[str, list[Outgoing]] = {}
    for ref in pending.order_by("local_id"):
        payload = json.loads(ref.sent_payload or "{}")
        item = Outgoing(ref.local_id, payload, ref.sent_fingerprint, ref.idempotency_key)
        groups.setdefault(ref.batch_key, []).append(item)
    sizes = dict(
        ExternalRef.objects.filter(connection=connection, entity=entity, batch_key__in=groups)
        .values_list("batch_key")
        .annotate(n=Count("pk"))
        .values_list("batch_key", "n")
    )
    return {
        key if sizes.get(key) == len(items) else batch_key(items): items
        for key, items in groups.items()
    }


def batches(items: Sequence[Outgoing], size: int) -> Iterator[list[Outgoing]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _mark_pending(
    connection: Connection, entity: str, batch: Sequence[Outgoing], request_key: str
) -> None:
    ExternalRef.objects.bulk_create(
        [
            ExternalRef(
                organisation_id=connection.organisation_id,
                connection=connection,
                entity=entity,
                local_id=item.local_id,
                remote_id=item.remote_id,
                remote_version=item.remote_version,
                state=ExternalRef.State.PENDING,
                idempotency_key=item.idempotency_key,
                batch_key=request_key,
                sent_fingerprint=item.fingerprint,
                sent_payload=json.dumps(item.payload),
            )
            for item in batch
        ],
        update_conflicts=True,
        unique_fields=["connection", "entity", "local_id"],
        update_fields=["state", "idempotency_key", "batch_key", "sent_fingerprint", "sent_payload"],
    )


LINKED_FIELDS = [
    "state",
    "remote_id",
    "remote_version",
    "remote_number",
    "remote_url",
    "pushed_fingerprint",
    "last_error",
]
PUSH_FIELDS = ["sent_fingerprint", "sent_payload", "batch_key", "updated_at"]


def _apply(
    run: SyncRun, entity: str, batch: Sequence[Outgoing], results: list[PushResult], outcome: str
) -> None:
    """Save what the provider answered for one batch: links, versions, errors.

    Two upserts on the links' unique key (an INSERT ... ON CONFLICT that only ever
    updates): far cheaper than per-row UPDATEs or bulk_update's CASE expressions, which
    dominated big pushes.
    """
    connection = run.connection
    by_id = {item.local_id: item for item in batch}

    def ref(result: PushResult, **fields: str) -> ExternalRef:
        return ExternalRef(
            organisation_id=connection.organisation_id,
            connection=connection,
            entity=entity,
            local_id=result.local_id,
            sent_fingerprint="",
            sent_payload="",
            batch_key="",
            **fields,
        )

    linked = [
        ref(
            result,
            state=ExternalRef.State.LINKED,
            remote_id=result.remote_id,
            remote_version=result.remote_version,
            remote_number=result.remote_number,
            remote_url=result.remote_url,
            pushed_fingerprint=by_id[result.local_id].fingerprint,
            last_error="",
        )
        for result in results
        if result.ok and not result.stale
    ]
    # A stale answer (the version sent was no longer current) is left pending: update_all
    # re-reads that record and decides again.
    refused = [
        ref(result, state=ExternalRef.State.ERROR, last_error=result.error)
        for result in results
        if not result.ok and not result.stale
    ]
    unique = ["connection", "entity", "local_id"]
    with transaction.atomic():
        for rows, fields in ((linked, LINKED_FIELDS), (refused, ["state", "last_error"])):
            if rows:
                ExternalRef.objects.bulk_create(
                    rows,
                    update_conflicts=True,
                    unique_fields=unique,
                    update_fields=fields + PUSH_FIELDS,
                )
        for result in results:
            if not result.ok and not result.stale:
                runs.error(run, result.error, entity=entity, local_id=result.local_id)
        runs.count(run, outcome, len(linked))


def concurrency(adapter: AccountingAdapter) -> int:
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return 1  # one writer at a time: threads would only queue on SQLite's lock
    return max(1, min(settings.SYNC_PUSH_CONCURRENCY, adapter.limits.concurrent))


def _in_thread(send: Send, entity: str, batch: list[Outgoing], key: str) -> list[PushResult]:
    try:
        return send(entity, batch, key)
    finally:
        db_connection.close()  # this pool thread's own connection


def _send_all(
    run: SyncRun,
    entity: str,
    groups: list[tuple[str, list[Outgoing]]],
    send: Send,
    width: int,
    outcome: str,
) -> None:
    """Send the batches, at most ``width`` at once; every answer received is saved, even
    when another batch fails, so a failed run leaves only unanswered batches pending."""
    connection = run.connection
    if width == 1:
        for key, batch in groups:
            _mark_pending(connection, entity, batch, key)
            _apply(run, entity, batch, send(entity, batch, key), outcome)
            runs.bump_done(run, len(batch))
        return
    failure: BaseException | None = None
    queue = iter(groups)
    in_flight: dict[Future[list[PushResult]], list[Outgoing]] = {}

    def refill(pool: ThreadPoolExecutor) -> None:
        while failure is None and len(in_flight) < width:
            next_group = next(queue, None)
            if next_group is None:
                return
            key, batch = next_group
            _mark_pending(connection, entity, batch, key)
            in_flight[pool.submit(_in_thread, send, entity, batch, key)] = batch

    with ThreadPoolExecutor(max_workers=width, thread_name_prefix="push") as pool:
        refill(pool)
        while in_flight:
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            answered = [(future, in_flight.pop(future)) for future in done]
            refill(pool)  # keep every slot busy while the answers are saved
            for future, batch in answered:
                try:
                    _apply(run, entity, batch, future.result(), outcome)
                    runs.bump_done(run, len(batch))
                except BaseException as error:
                    failure = failure or error
    if failure is not None:
        raise failure


def create_all(run: SyncRun, adapter: AccountingAdapter, entity: str, work: Plan) -> None:
    groups = list(work.resend.items())
    groups += [(batch_key(batch), batch) for batch in batches(work.creates, adapter.batch_size)]
    calls = concurrency(adapter)
    # One thread more than calls allowed at once: while a finished call's thread writes
    # its audit entry, the next batch already waits for the freed slot (the shared rate
    # budget still holds calls in flight to the provider's limit).
    threads = calls + 1 if calls > 1 else 1
    _send_all(run, entity, groups, adapter.create, threads, "created")


def _safe_to_write(ref: ExternalRef, remote: Remote, ledger_fingerprint: str) -> bool:
    """The ledger's copy holds nothing a bookkeeper changed since Patchbay's last push."""
    if remote.version and remote.version == ref.remote_version:
        return True
    return ledger_fingerprint in (ref.pushed_fingerprint, ref.sent_fingerprint)


# How often one update is re-read and sent again after the provider called the version
# sent stale (QuickBooks 5010) while the ledger's owned fields stayed Patchbay's.
STALE_RETRIES = 3


def _writable(
    run: SyncRun,
    adapter: AccountingAdapter,
    entity: str,
    batch: Sequence[Outgoing],
    remote: dict[str, Remote],
) -> list[Outgoing]:
    """The batch's records the ledger has not changed, armed with the version just read;
    the others become conflicts (or refusals when deleted in the ledger)."""
    refs = {
        ref.local_id: ref
        for ref in ExternalRef.objects.filter(
            connection=run.connection, entity=entity, local_id__in=[i.local_id for i in batch]
        )
    }
    writable = []
    for item in batch:
        current = remote.get(item.remote_id)
        if (current is None or current.deleted) and entity in reviews.DOCUMENTS:
            how = "deleted"
            state = adapter.ledger_state(entity, current) if current is not None else None
            # The ledger's own word tells a void from a deletion (Xero reports both as void).
            if state and state.status == "void" and "delet" not in state.ledger_status.lower():
                how = "voided"
            at = current.updated_at if current is not None else timezone.now()
            reviews.document_removed(run, refs[item.local_id], how, at)
            continue
        if current is None or current.deleted:
            reviews.refuse(run, refs[item.local_id], reviews.DELETED_IN_LEDGER)
            continue
        ledger = adapter.owned(entity, current.data)
        if _safe_to_write(refs[item.local_id], current, fingerprint(ledger)):
            writable.append(
                Outgoing(
                    item.local_id,
                    item.payload,
                    item.fingerprint,
                    item.idempotency_key,
                    item.remote_id,
                    current.version,
                )
            )
        else:
            patchbay = adapter.owned(entity, item.payload)
            reviews.conflict(run, refs[item.local_id], patchbay, item.fingerprint, current, ledger)
    return writable


def _write_updates(
    run: SyncRun, adapter: AccountingAdapter, entity: str, writable: list[Outgoing]
) -> list[Outgoing]:
    """Send one batch of updates; returns those the provider refused as stale."""
    key = batch_key(writable)
    _mark_pending(run.connection, entity, writable, key)
    results = adapter.update(entity, writable, key)
    _apply(run, entity, writable, results, "updated")
    stale = {result.local_id for result in results if result.stale}
    runs.bump_done(run, len(writable) - len(stale))
    return [item for item in writable if item.local_id in stale]


def update_all(run: SyncRun, adapter: AccountingAdapter, entity: str, work: Plan) -> None:
    """Read, compare, then write only what the ledger has not changed in the meantime.

    A provider with conditional writes (QuickBooks' SyncToken) may still refuse a write
    as stale when the ledger moved between the read and the write: those records are
    re-read one by one and checked again, so an edit of a field Patchbay owns becomes a
    conflict while a change elsewhere (a payment applied) is simply written over again.
    """
    for batch in batches(work.updates, adapter.batch_size):
        remote = adapter.read(entity, [item.remote_id for item in batch])
        writable = _writable(run, adapter, entity, batch, remote)
        runs.bump_done(run, len(batch) - len(writable))
        for _ in range(STALE_RETRIES):
            if not writable:
                break
            stale = _write_updates(run, adapter, entity, writable)
            if not stale:
                break
            again = adapter.reread(entity, [item.remote_id for item in stale])
            writable = _writable(run, adapter, entity, stale, again)
            runs.bump_done(run, len(stale) - len(writable))
        else:
            for item in writable:
                ref = ExternalRef.objects.get(
                    connection=run.connection, entity=entity, local_id=item.local_id
                )
                reviews.refuse(run, ref, "The ledger kept changing this record; tried again later.")


def plural(entity: str) -> str:
    """How a push phase names its records: "invoices", "time activities"."""
    label = Entity(entity).label.lower()
    return f"{label[:-1]}ies" if label.endswith("y") else f"{label}s"


def push(
    run: SyncRun,
    adapter: AccountingAdapter,
    entity: str,
    records: Sequence[tuple[int, dict[str, Any]]],
) -> None:
    work = plan(run.connection, entity, records, lambda data: adapter.owned(entity, data))
    pending = sum(len(batch) for batch in work.resend.values())
    total = pending + len(work.creates) + len(work.updates)
    runs.progress(run, phase=plural(entity), done=0, total=total)
    if work.unchanged or work.held:
        runs.count(run, "skipped", work.unchanged + work.held)
    create_all(run, adapter, entity, work)
    update_all(run, adapter, entity, work)


def linked_remote_ids(
    connection: Connection, entity: str, local_ids: Sequence[int]
) -> dict[int, str]:
    rows = (
        ExternalRef.objects.filter(connection=connection, entity=entity, local_id__in=local_ids)
        .exclude(remote_id="")
        .values_list("local_id", "remote_id")
    )
    return dict(rows)
