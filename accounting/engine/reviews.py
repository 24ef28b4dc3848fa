"""What the engine leaves to a person: conflicts and ambiguous first matches.

A conflict is opened when a bookkeeper changed a record in the ledger after Patchbay's
last push and Patchbay changed it too: both versions are kept, the link is held (no
push, no pull) until someone chooses. A match review is opened when a record new on the
ledger side could be one of several Patchbay records.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from accounting.engine.adapter import Remote
from accounting.models import ExternalRef, Review
from integrations import runs
from integrations.models import SyncRun

# Why a link to a record deleted (or archived, or voided) in the ledger is refused.
DELETED_IN_LEDGER = "Deleted in the ledger: clear the link to push it again as new."


def conflict(
    run: SyncRun,
    ref: ExternalRef,
    patchbay: dict[str, Any],
    patchbay_fingerprint: str,
    remote: Remote,
    ledger: dict[str, Any],
) -> Review:
    with transaction.atomic():
        ExternalRef.objects.filter(pk=ref.pk).update(state=ExternalRef.State.CONFLICT)
        review, _ = Review.objects.update_or_create(
            connection=ref.connection,
            entity=ref.entity,
            remote_id=ref.remote_id,
            resolution=Review.Resolution.OPEN,
            defaults={
                "organisation_id": ref.organisation_id,
                "kind": Review.Kind.CONFLICT,
                "local_id": ref.local_id,
                "patchbay_version": {**patchbay, "_fingerprint": patchbay_fingerprint},
                "ledger_version": ledger,
                "ledger_record": remote.data,
                "ledger_version_token": remote.version,
                "run": run,
                "detected_at": timezone.now(),
            },
        )
        runs.count(run, "conflicts")
    return review


def ambiguous(
    run: SyncRun, entity: str, remote: Remote, ledger: dict[str, Any], candidates: list[int]
) -> Review:
    """Hold the candidates back from pushing (a push would make a duplicate) until a
    person says which one the remote record is."""
    connection = run.connection
    with transaction.atomic():
        for local_id in candidates:
            ExternalRef.objects.get_or_create(
                connection=connection,
                entity=entity,
                local_id=local_id,
                defaults={
                    "organisation_id": connection.organisation_id,
                    "state": ExternalRef.State.REVIEW,
                },
            )
        review, _ = Review.objects.update_or_create(
            connection=connection,
            entity=entity,
            remote_id=remote.remote_id,
            resolution=Review.Resolution.OPEN,
            defaults={
                "organisation_id": connection.organisation_id,
                "kind": Review.Kind.MATCH,
                "ledger_version": ledger,
                "ledger_record": remote.data,
                "ledger_version_token": remote.version,
                "candidates": candidates,
                "run": run,
            },
        )
        runs.count(run, "review")
    return review


def refuse_unsent(run: SyncRun, entity: str, local_id: int, message: str) -> None:
    """A record that is not sent at all: its link (made if it had none) and the run say why."""
    connection = run.connection
    ExternalRef.objects.update_or_create(
        connection=connection,
        entity=entity,
        local_id=local_id,
        defaults={"state": ExternalRef.State.ERROR, "last_error": message},
        create_defaults={
            "organisation_id": connection.organisation_id,
            "state": ExternalRef.State.ERROR,
            "last_error": message,
        },
    )
    runs.error(run, message, entity=entity, local_id=local_id)


def refuse(run: SyncRun, ref: ExternalRef, message: str) -> None:
    """A write that can't be made: recorded on the link and the run, tried again later."""
    ExternalRef.objects.filter(pk=ref.pk).update(state=ExternalRef.State.ERROR, last_error=message)
    runs.error(run, message, entity=ref.entity, local_id=ref.local_id)
