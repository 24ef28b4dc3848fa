"""What the engine leaves to a person: conflicts and ambiguous first matches.

A conflict is opened when a bookkeeper changed a record in the ledger after Patchbay's
last push and Patchbay changed it too: both versions are kept, the link is held (no
push, no pull) until someone chooses. A match review is opened when a record new on the
ledger side could be one of several Patchbay records. A removal review is opened when a
pushed document was deleted or voided in the ledger: push it again, or leave it removed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from accounting.engine.adapter import Remote
from accounting.models import Entity, ExternalRef, Review
from integrations import runs
from integrations.models import SyncRun
from integrations.registry import platform_name
from operations.models import CreditNote, Invoice, PurchaseOrder, Quote, TimestampedTenantModel

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


DOCUMENTS: dict[str, type[TimestampedTenantModel]] = {
    Entity.QUOTE: Quote,
    Entity.INVOICE: Invoice,
    Entity.CREDIT_NOTE: CreditNote,
    Entity.PURCHASE_ORDER: PurchaseOrder,
}


def document_name(ref: ExternalRef) -> str:
    return document_label(ref.entity, ref.local_id)


def document_label(entity: str, local_id: int | None) -> str:
    """A document's Patchbay number (or what names it when it has none)."""
    model = DOCUMENTS.get(entity)
    record = model.objects.filter(pk=local_id).first() if model and local_id else None
    return str(record) if record is not None else f"{Entity(entity).label} {local_id}"


def document_removed(run: SyncRun, ref: ExternalRef, how: str, at: datetime) -> bool:
    """``removed`` with the message a person reads (see there)."""
    provider = platform_name(ref.connection)
    message = removal_message(ref, document_name(ref), provider, how, at)
    return removed(run, ref, how, at, message)


def removal_message(ref: ExternalRef, name: str, provider: str, how: str, at: datetime) -> str:
    """What a person reads about a document the ledger lost, in the organisation's zone."""
    zone = ZoneInfo(ref.connection.organisation.timezone)
    when = at.astimezone(zone).strftime("%-d %b %Y, %H:%M %Z")
    return f"{name} was {how} in {provider} on {when} by the ledger"


def removed(run: SyncRun, ref: ExternalRef, how: str, at: datetime, message: str) -> bool:
    """A pushed document deleted or voided in the ledger: the link is held (nothing is
    pushed to it or in its place) and a review asks a person to push it again or leave
    it. Returns False when that deletion is known already (an open review, or answered)."""
    with transaction.atomic():
        locked = ExternalRef.objects.select_for_update().filter(pk=ref.pk).first()
        if locked is None or locked.remote_id != ref.remote_id or locked.excluded:
            return False  # pushed again since (a new remote id), or excluded by a person
        if locked.state == ExternalRef.State.REMOVED:
            return False  # a person chose to leave it removed
        review, made = Review.objects.get_or_create(
            connection=ref.connection,
            entity=ref.entity,
            remote_id=ref.remote_id,
            resolution=Review.Resolution.OPEN,
            defaults={
                "organisation_id": ref.organisation_id,
                "kind": Review.Kind.REMOVED,
                "local_id": ref.local_id,
                "ledger_version": {"how": how, "at": at.isoformat(), "message": message},
                "run": run,
            },
        )
        if not made and review.kind == Review.Kind.REMOVED:
            return False
        if not made:  # a conflict over a record since deleted: deciding it is moot now
            review.kind = Review.Kind.REMOVED
            review.ledger_version = {"how": how, "at": at.isoformat(), "message": message}
            review.run = run
            review.save(update_fields=["kind", "ledger_version", "run"])
        locked.state = ExternalRef.State.REVIEW
        locked.last_error = message
        locked.save(update_fields=["state", "last_error", "updated_at"])
        runs.count(run, "review")
    return True
