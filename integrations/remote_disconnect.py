"""A provider says the app was disconnected on its side (Intuit's Disconnect URL).

Such a call proves nothing by itself (no signature; anyone can open the URL), so it is
confirmed by refreshing the grant: only a grant the provider refuses (invalid_grant) is
marked disconnected. The refresh runs in a worker, never in the web request, and each
remote company is checked at most once per CHECK_EVERY however often the URL is called:
the window is claimed with one atomic cache add shared by every process.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction

from integrations import health
from integrations.errors import GrantInvalid, ProviderError
from integrations.models import Connection, OAuthGrant
from integrations.registry import provider_for
from integrations.tokens import refresh_grant

logger = logging.getLogger(__name__)
CHECK_EVERY = timedelta(minutes=5)


def claim_check(provider_slug: str, remote_id: str) -> list[int]:
    """The active connections to check now, or none if this company's window is taken.
    The window is claimed whether or not the company is known, so callers cannot tell."""
    key = f"integrations:disconnect-check:{provider_slug}:{remote_id}"
    if not cache.add(key, True, int(CHECK_EVERY.total_seconds())):
        return []
    return list(
        Connection.objects.filter(
            provider=provider_slug, remote_id=remote_id, state__in=Connection.ACTIVE_STATES
        ).values_list("pk", flat=True)
    )


def confirm(connection_id: int) -> str:
    """Refresh the connection's grant; a refusal means the access really is gone."""
    connection = (
        Connection.objects.select_related("grant")
        .filter(pk=connection_id, state__in=Connection.ACTIVE_STATES)
        .first()
    )
    if connection is None or connection.grant is None:
        return "nothing to check"
    grant = connection.grant
    try:
        refresh_grant(grant.pk, seen_version=grant.version)
    except GrantInvalid:
        _mark_disconnected(connection)
        return "disconnected"
    except ProviderError as error:  # unreachable: nothing can be confirmed now
        logger.warning("Disconnect call for %s not confirmed: %s", connection.pk, error.message)
        return "not confirmed"
    logger.info("Disconnect call for %s ignored: the grant still works", connection.pk)
    return "still connected"


def _mark_disconnected(connection: Connection) -> None:
    name = provider_for(connection.provider).name
    with transaction.atomic():
        connection.refresh_from_db()
        grant = connection.grant
        if grant is not None:
            grant.clear_tokens()
            grant.status = OAuthGrant.Status.REVOKED
            grant.save()
        connection.state = Connection.State.DISCONNECTED
        connection.grant = None
        connection.reason = ""
        connection.retry_at = None
        connection.save(update_fields=["state", "grant", "reason", "retry_at"])
        health.record(
            connection,
            health.Kind.DISCONNECTED,
            message=f"Disconnected inside {name} ({name} called Patchbay's Disconnect URL); "
            f"{name} confirmed the access is gone.",
        )
