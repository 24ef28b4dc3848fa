"""Beat tasks that keep connections healthy. PostgreSQL says what is due."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

# The sync dispatcher's tasks live in integrations.syncs; importing it here registers
# them when Celery discovers this module.
from integrations import discard, remote_disconnect, syncs  # noqa: F401
from integrations.errors import ProviderError
from integrations.flow import CHOICE_LIFETIME
from integrations.models import AppPassword, AuditEntry, Connection, OAuthGrant, OAuthState
from integrations.partitions import History, maintain
from integrations.registry import provider_for
from integrations.tokens import refresh_grant

logger = logging.getLogger(__name__)
ABANDONED_AFTER = timedelta(hours=1)
CALL_AUDIT = History(AuditEntry._meta.db_table, "created_at")


@shared_task
def keep_grants_alive() -> int:
    """Refresh grants idle long enough that their refresh token could lapse."""
    refreshed = 0
    for grant in OAuthGrant.objects.filter(status=OAuthGrant.Status.ACTIVE).iterator():
        idle_since = grant.last_refreshed_at or grant.created_at
        if timezone.now() - idle_since < provider_for(grant.provider).keepalive_every:
            continue
        try:
            refresh_grant(grant.pk, seen_version=grant.version)
            refreshed += 1
        except ProviderError as error:  # health has recorded it; the next run tries again
            logger.warning("keep-alive refresh of grant %s failed: %s", grant.pk, error.message)
    return refreshed


@shared_task
def recover_degraded() -> int:
    """Retry degraded connections whose back-off has passed; success heals them."""
    due = Connection.objects.filter(state=Connection.State.DEGRADED, retry_at__lte=timezone.now())
    recovered = 0
    for connection in due.select_related("grant").iterator():
        try:
            provider_for(connection.provider).check(connection)
        except ProviderError as error:
            logger.info("connection %s still degraded: %s", connection.pk, error.message)
            continue
        recovered += 1
    return recovered


@shared_task
def expire_abandoned_choices() -> int:
    """Organisation pickers left unanswered for CHOICE_LIFETIME: their tokens are revoked
    at the provider and forgotten (PostgreSQL says which are due)."""
    due = list(
        OAuthState.objects.filter(
            grant__isnull=False,
            completed_at__isnull=True,
            discarded_at__isnull=True,
            created_at__lte=timezone.now() - CHOICE_LIFETIME,
        ).values_list("pk", flat=True)
    )
    for row_id in due:
        discard.abandoned_choice(row_id)
    return len(due)


@shared_task
def purge_abandoned_authorisations() -> int:
    """Forget expired states, and revoke grants whose organisation was never chosen."""
    cutoff = timezone.now() - ABANDONED_AFTER
    OAuthState.objects.filter(expires_at__lt=cutoff, grant__isnull=True).delete()
    orphans = OAuthGrant.objects.filter(created_at__lt=cutoff).exclude(
        Q(connections__isnull=False) | Q(status=OAuthGrant.Status.REVOKED)
    )
    purged = 0
    for grant in orphans.distinct():
        try:
            provider = provider_for(grant.provider).for_organisation(grant.organisation_id)
            provider.revoke(grant.refresh_token)
        except ProviderError as error:
            logger.warning("could not revoke abandoned grant %s: %s", grant.pk, error.message)
        grant.delete()
        purged += 1
    return purged


@shared_task
def confirm_remote_disconnect(connection_id: int) -> str:
    """A provider called Patchbay's Disconnect URL for this connection's company."""
    return remote_disconnect.confirm(connection_id)


@shared_task
def remove_at_provider(connection_id: int, grant_id: int, actor_id: int | None = None) -> str:
    """The provider side of a Disconnect pressed in Patchbay (the connection is already
    disconnected locally): unlink and revoke there, recording a failure on the connection."""
    from integrations.flow import remove_at_provider as remove  # flow enqueues this task
    from tenancy.models import User

    connection = Connection.objects.filter(pk=connection_id).first()
    grant = OAuthGrant.objects.filter(pk=grant_id).first()
    if connection is None or grant is None:
        return "nothing to remove"
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    problems = remove(connection, grant, actor)
    return "; ".join(problems) or "removed at the provider"


@shared_task
def forget_password(connection_id: int, password_id: int, actor_id: int | None = None) -> str:
    """The worker side of disconnecting a password-connected account (iCloud)."""
    from integrations.flow import forget_password as forget  # flow enqueues this task
    from tenancy.models import User

    connection = Connection.objects.filter(pk=connection_id).first()
    password = AppPassword.objects.filter(pk=password_id).first()
    if connection is None or password is None:
        return "nothing to forget"
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    problems = forget(connection, password, actor)
    return "; ".join(problems) or "forgotten"


@shared_task
def maintain_audit_partitions() -> dict[str, list[str]]:
    """The call audit's coming months partitioned ahead, months past retention dropped."""
    done = maintain(
        CALL_AUDIT,
        timezone.now(),
        ahead=settings.HISTORY_PARTITIONS_AHEAD,
        keep_months=settings.PATCHBAY_AUDIT_RETENTION_MONTHS,
    )
    return {"created": done.created, "dropped": done.dropped}
