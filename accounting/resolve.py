"""A person's answer to a review: which version wins a conflict, which record a match is.

Nothing is written to the ledger here: "push Patchbay's version" arms the link so the
next sync writes it (after checking once more that the ledger did not change again),
and starts that sync at once.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounting.engine import pull, records
from accounting.engine.adapter import AccountingAdapter, Remote
from accounting.engine.push import fingerprint
from accounting.engine.sync import adapter_for
from accounting.models import ExternalRef, Review
from tenancy.models import User


class CannotResolve(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _ledger_remote(review: Review) -> Remote:
    return Remote(
        remote_id=review.remote_id,
        version=review.ledger_version_token,
        updated_at=review.detected_at,
        data=review.ledger_record,
    )


def _close(review: Review, resolution: str, user: User, local_id: int | None = None) -> None:
    """`local_id`: the record a match was resolved to, so the review names it after."""
    review.resolution = resolution
    review.resolved_at = timezone.now()
    review.resolved_by = user
    if local_id is not None:
        review.local_id = local_id
    review.save(update_fields=["resolution", "resolved_at", "resolved_by", "local_id"])


def _locked_ref(review: Review) -> ExternalRef:
    if review.local_id is None:
        raise CannotResolve("This review is not about a Patchbay record.")
    ref = (
        ExternalRef.objects.select_for_update()
        .filter(connection=review.connection, entity=review.entity, local_id=review.local_id)
        .first()
    )
    if ref is None:
        raise CannotResolve("The link behind this conflict no longer exists.")
    return ref


def keep_ledger(review: Review, user: User) -> None:
    """The ledger's version stands. A customer or item takes the ledger's fields; an
    invoice or credit note keeps Patchbay's copy but is not pushed over the ledger's."""
    adapter = adapter_for(review.connection, None)
    with transaction.atomic():
        ref = _locked_ref(review)
        local = records.get(review.connection, review.entity, ref.local_id)
        if review.entity in records.TWO_WAY and local is not None:
            records.update(local, adapter.local_fields(review.entity, _ledger_remote(review)))
            mine = adapter.owned(review.entity, records.payload(adapter, review.entity, local))
            ref.pushed_fingerprint = fingerprint(mine)
        else:
            ref.pushed_fingerprint = str(review.patchbay_version.get("_fingerprint", ""))
        ref.remote_version = review.ledger_version_token
        ref.state = ExternalRef.State.LINKED
        ref.last_error = ""
        ref.save()
        _close(review, Review.Resolution.KEPT_LEDGER, user)


def push_patchbay(review: Review, user: User) -> None:
    """Patchbay's version goes out on the next sync, over the ledger version shown here
    and no other: if the bookkeeper edits it again first, a new conflict opens."""
    with transaction.atomic():
        ref = _locked_ref(review)
        ref.pushed_fingerprint = fingerprint(review.ledger_version)
        ref.remote_version = review.ledger_version_token
        ref.state = ExternalRef.State.LINKED
        ref.save()
        _close(review, Review.Resolution.PUSHED_PATCHBAY, user)


def link_candidate(review: Review, local_id: int, user: User) -> None:
    if local_id not in review.candidates:
        raise CannotResolve("Choose one of the records listed.")
    adapter = adapter_for(review.connection, None)
    local = records.get(review.connection, review.entity, local_id)
    if local is None:
        raise CannotResolve("That record has been deleted; choose another.")
    with transaction.atomic():
        _release_candidates(review, keep=local_id)
        pull.link(review.connection, adapter, review.entity, local, _ledger_remote(review))
        _close(review, Review.Resolution.LINKED, user, local.pk)


def create_new(review: Review, user: User) -> None:
    adapter: AccountingAdapter = adapter_for(review.connection, None)
    remote = _ledger_remote(review)
    with transaction.atomic():
        _release_candidates(review)
        local = records.create(
            review.connection, review.entity, adapter.local_fields(review.entity, remote)
        )
        pull.link(review.connection, adapter, review.entity, local, remote)
        _close(review, Review.Resolution.CREATED, user, local.pk)


def _removed_ref(review: Review) -> ExternalRef:
    """The held link of a removal review, locked; refused once it no longer points at the
    removed record (a second answer to the same review)."""
    ref = _locked_ref(review)
    if ref.remote_id != review.remote_id or ref.state != ExternalRef.State.REVIEW:
        raise CannotResolve("This has been decided already: refresh the page.")
    return ref


def push_again(review: Review, user: User) -> None:
    """A document the ledger deleted or voided goes to it again as a fresh draft with the
    next sync: the link forgets the removed record and takes a new idempotency key (the
    next ``attempt``), so the provider makes one new document rather than replaying the
    create of the removed one. The new draft re-points the link when its create answers."""
    with transaction.atomic():
        ref = _removed_ref(review)
        ref.attempt += 1
        ref.remote_id = ref.remote_version = ref.remote_number = ref.remote_url = ""
        ref.pushed_fingerprint = ref.idempotency_key = ref.batch_key = ""
        ref.sent_fingerprint = ref.sent_payload = ""
        # Not linked, so every sync reads it until the new draft's create answers.
        ref.state = ExternalRef.State.WAITING
        ref.last_error = (
            f"{review.ledger_version.get('message', 'Removed in the ledger')}; "
            "it goes again as a new document with the next sync."
        )
        ref.save()
        _close(review, Review.Resolution.PUSHED_AGAIN, user)


def leave_removed(review: Review, user: User) -> None:
    """The ledger's removal stands: the link is marked removed and Patchbay sends nothing
    to the ledger about the document again (nor a new copy)."""
    with transaction.atomic():
        ref = _removed_ref(review)
        ref.state = ExternalRef.State.REMOVED
        ref.last_error = str(review.ledger_version.get("message", "Removed in the ledger"))
        ref.save(update_fields=["state", "last_error", "updated_at"])
        _close(review, Review.Resolution.LEFT_REMOVED, user)


def _release_candidates(review: Review, keep: int | None = None) -> None:
    """Candidates not chosen are free to sync as records of their own again."""
    ExternalRef.objects.filter(
        connection=review.connection,
        entity=review.entity,
        local_id__in=[c for c in review.candidates if c != keep],
        state=ExternalRef.State.REVIEW,
    ).delete()


PUSH_PENDING = "being pushed with the sync now running"
PUSH_DONE = "pushed"
PUSH_REOPENED = "re-opened: the ledger changed again"


def push_progress(resolved: list[Review]) -> dict[int, str]:
    """Where each "push Patchbay's version" answer stands, by review id. The push is the
    sync's (a task): until it runs the link is still armed with the ledger version shown;
    a newer open review of the same record means the ledger changed again first."""
    pushed = [
        r
        for r in resolved
        if r.resolution == Review.Resolution.PUSHED_PATCHBAY and r.local_id is not None
    ]
    if not pushed:
        return {}
    keys = {(r.connection_id, r.entity, r.local_id) for r in pushed}
    refs: dict[tuple[int, str, int | None], ExternalRef] = {
        (ref.connection_id, ref.entity, ref.local_id): ref
        for ref in ExternalRef.objects.filter(
            connection_id__in={k[0] for k in keys}, local_id__in={k[2] for k in keys}
        )
    }
    reopened: dict[tuple[int, str, int | None], datetime] = {
        (r.connection_id, r.entity, r.local_id): r.detected_at
        for r in Review.objects.filter(
            resolution=Review.Resolution.OPEN,
            connection_id__in={k[0] for k in keys},
            local_id__in={k[2] for k in keys},
        )
    }
    progress = {}
    for review in pushed:
        key = (review.connection_id, review.entity, review.local_id)
        ref = refs.get(key)
        newer = reopened.get(key)
        if newer is not None and review.resolved_at and newer >= review.resolved_at:
            progress[review.pk] = PUSH_REOPENED
        elif ref is not None and _still_armed(ref, review):
            progress[review.pk] = PUSH_PENDING
        else:
            progress[review.pk] = PUSH_DONE
    return progress


def _still_armed(ref: ExternalRef, review: Review) -> bool:
    return ref.remote_version == review.ledger_version_token and ref.pushed_fingerprint == (
        fingerprint(review.ledger_version)
    )
