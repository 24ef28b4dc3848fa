"""Pushing records: batched, keyed for idempotency, linked back per batch.

Before a batch is sent its records are marked pending with their key; after the
answer, links (or errors) are saved in one transaction. A crash between the two
leaves pending records, which the next run sends first, in the same batches and
with the same keys, so the provider replays instead of creating twice.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import transaction

from accounting.engine import runs
from accounting.engine.adapter import Outgoing, PushResult
from accounting.models import ExternalRef, SyncRun
from integrations.models import Connection

KEY_NAMESPACE = uuid.UUID("4f5b2a36-3f0e-4d43-9a63-7f4d2c1b9e10")
Send = Callable[[Sequence[Outgoing]], list[PushResult]]


def fingerprint(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def record_key(connection: Connection, entity: str, local_id: int, version: str) -> str:
    """Deterministic per record version: the same record and payload, the same key."""
    return f"pb-{uuid.uuid5(KEY_NAMESPACE, f'{connection.pk}:{entity}:{local_id}:{version}')}"


def batch_key(batch: Sequence[Outgoing]) -> str:
    """One request's key, derived from its records' keys (Xero keys whole requests)."""
    joined = ",".join(item.idempotency_key for item in batch)
    return f"pb-batch-{hashlib.sha256(joined.encode()).hexdigest()[:48]}"


def outgoing(
    connection: Connection, entity: str, records: Sequence[tuple[int, dict[str, Any]]]
) -> list[Outgoing]:
    """Records not yet linked, pending ones first so their batches come out as before."""
    refs = {
        ref.local_id: ref
        for ref in ExternalRef.objects.filter(
            connection=connection, entity=entity, local_id__in=[pk for pk, _ in records]
        )
    }
    items = []
    for local_id, payload in records:
        ref = refs.get(local_id)
        if ref is not None and ref.state == ExternalRef.State.LINKED:
            continue
        version = fingerprint(payload)
        key = record_key(connection, entity, local_id, version)
        items.append(Outgoing(local_id, payload, version, key))
    pending = {pk for pk, ref in refs.items() if ref.state == ExternalRef.State.PENDING}
    return sorted(items, key=lambda item: (item.local_id not in pending, item.local_id))


def batches(items: Sequence[Outgoing], size: int) -> Iterator[Sequence[Outgoing]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _mark_pending(connection: Connection, entity: str, batch: Sequence[Outgoing]) -> None:
    with transaction.atomic():
        for item in batch:
            ExternalRef.objects.update_or_create(
                connection=connection,
                entity=entity,
                local_id=item.local_id,
                defaults={
                    "organisation_id": connection.organisation_id,
                    "state": ExternalRef.State.PENDING,
                    "idempotency_key": item.idempotency_key,
                    "pushed_fingerprint": item.fingerprint,
                },
            )


def _apply(run: SyncRun, connection: Connection, entity: str, results: list[PushResult]) -> None:
    with transaction.atomic():
        for result in results:
            ref = ExternalRef.objects.get(
                connection=connection, entity=entity, local_id=result.local_id
            )
            if result.ok:
                ref.state = ExternalRef.State.LINKED
                ref.remote_id = result.remote_id
                ref.remote_version = result.remote_version
                ref.last_error = ""
                runs.count(run, "created")
            else:
                ref.state = ExternalRef.State.ERROR
                ref.last_error = result.error
                runs.error(run, result.error, entity=entity, local_id=result.local_id)
            ref.save()


def push(run: SyncRun, entity: str, items: list[Outgoing], send: Send, batch_size: int) -> None:
    connection = run.connection
    for batch in batches(items, batch_size):
        _mark_pending(connection, entity, batch)
        _apply(run, connection, entity, send(batch))
        runs.bump_done(run, len(batch))


def linked_remote_ids(
    connection: Connection, entity: str, local_ids: Sequence[int]
) -> dict[int, str]:
    rows = ExternalRef.objects.filter(
        connection=connection, entity=entity, local_id__in=local_ids, state=ExternalRef.State.LINKED
    ).values_list("local_id", "remote_id")
    return dict(rows)
