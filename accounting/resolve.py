"""A person's answer to a review: which version wins a conflict, which record a match is.

Nothing is written to the ledger here: "push Patchbay's version" arms the link so the
next sync writes it (after checking once more that the ledger did not change again),
and starts that sync at once.
"""

from __future__ import annotations

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


def _close(review: Review, resolution: str, user: User) -> None:
    review.resolution = resolution
    review.resolved_at = timezone.now()
    review.resolved_by = user
    review.save(update_fields=["resolution", "resolved_at", "resolved_by"])


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
        _close(review, Review.Resolution.LINKED, user)


def create_new(review: Review, user: User) -> None:
    adapter: AccountingAdapter = adapter_for(review.connection, None)
    remote = _ledger_remote(review)
    with transaction.atomic():
        _release_candidates(review)
        local = records.create(
            review.connection, review.entity, adapter.local_fields(review.entity, remote)
        )
        pull.link(review.connection, adapter, review.entity, local, remote)
        _close(review, Review.Resolution.CREATED, user)


def _release_candidates(review: Review, keep: int | None = None) -> None:
    """Candidates not chosen are free to sync as records of their own again."""
    ExternalRef.objects.filter(
        connection=review.connection,
        entity=review.entity,
        local_id__in=[c for c in review.candidates if c != keep],
        state=ExternalRef.State.REVIEW,
    ).delete()
