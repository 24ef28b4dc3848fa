"""Tokens Patchbay will not keep: those of a connect that failed after the code exchange,
or whose organisation picker was abandoned. They are revoked at the provider (best effort),
and the outcome is recorded on the authorisation attempt and in the log.

Revoking ends the provider-side grant as a whole (a Xero or Sage user's consent to the
app, an Intuit company's connection to the app), so tokens are kept when an active
Patchbay grant for the same provider subject still serves a connection: revoking them
would disconnect it too.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from integrations.errors import ProviderError
from integrations.models import Connection, OAuthGrant, OAuthState
from integrations.registry import provider_for

if TYPE_CHECKING:  # the provider classes are loaded from the registry
    from integrations.providers import OAuthProvider

logger = logging.getLogger(__name__)


def _subject(provider: OAuthProvider, token: dict[str, Any]) -> str:
    try:
        return provider.subject(token)
    except (KeyError, TypeError, ValueError):
        return ""


def _serves_a_connection(provider: OAuthProvider, subject: str) -> bool:
    return (
        OAuthGrant.objects.filter(
            provider=provider.slug,
            subject=subject,
            status=OAuthGrant.Status.ACTIVE,
            connections__state__in=Connection.ACTIVE_STATES,
        )
        .distinct()
        .exists()
    )


def _revoke(provider: OAuthProvider, secret: str, subject: str) -> str:
    if not secret:
        return "no token to revoke"
    if subject and _serves_a_connection(provider, subject):
        return (
            f"kept: the same {provider.name} access serves a connection, which revoking would end"
        )
    try:
        provider.revoke(secret)
    except ProviderError as error:
        return f"could not revoke at {provider.name}: {error.message}"
    return f"revoked at {provider.name}"


def _record(row: OAuthState, provider: OAuthProvider, outcome: str, why: str) -> None:
    row.discarded_at = timezone.now()
    row.discard_outcome = f"{outcome} ({why})"[:2000]
    row.save(update_fields=["discarded_at", "discard_outcome"])
    logger.info("%s authorisation %s: tokens %s", provider.slug, row.pk, outcome)


def tokens_of(row: OAuthState, provider: OAuthProvider, token: dict[str, Any], why: str) -> str:
    """Revoke the tokens issued to this failed attempt; record and return what happened."""
    secret = str(token.get("refresh_token") or token.get("access_token") or "")
    outcome = _revoke(provider, secret, _subject(provider, token))
    _record(row, provider, outcome, why)
    return outcome


def abandoned_choice(row_id: int) -> str:
    """An organisation picker left unanswered: close it, and revoke and forget its grant's
    tokens unless the grant (or the same provider access) serves a connection."""
    with transaction.atomic():
        row = (
            OAuthState.objects.select_for_update(of=("self",))
            .select_related("grant")
            .filter(pk=row_id, completed_at__isnull=True, discarded_at__isnull=True)
            .first()
        )
        if row is None or row.grant is None:
            return "already closed"
        grant = row.grant
        provider = provider_for(grant.provider).for_organisation(grant.organisation_id)
        _record(row, provider, "pending", "the organisation was never chosen")
    outcome = _revoke(provider, grant.refresh_token or grant.access_token, grant.subject)
    if not outcome.startswith("kept"):
        grant.clear_tokens()
        grant.status = OAuthGrant.Status.REVOKED
        grant.save(update_fields=["access_token", "refresh_token", "access_expires_at", "status"])
    _record(row, provider, outcome, "the organisation was never chosen")
    return outcome
