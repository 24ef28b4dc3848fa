"""Fresh access tokens, refreshed single-flight across processes and machines.

The grant's row is the lock: refresh takes SELECT ... FOR UPDATE, re-reads, and
refreshes only if still needed; the rotated refresh token is saved in that same
transaction, before anyone uses the new access token.
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

import requests
from django.conf import settings
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from integrations import health, oauth
from integrations.errors import AccessRefused, GrantInvalid, ProviderUnavailable, RateLimited
from integrations.http import request
from integrations.models import Connection, OAuthGrant
from integrations.registry import provider_for

LOCK_DIR = settings.VAR_DIR / "locks"


def store_token(grant: OAuthGrant, token: oauth.Token) -> None:
    """Write a token response onto the grant (the caller saves)."""
    grant.access_token = str(token["access_token"])
    # Providers that don't rotate leave refresh_token out of the response: keep ours.
    grant.refresh_token = str(token.get("refresh_token") or grant.refresh_token)
    grant.access_expires_at = timezone.now() + timedelta(seconds=int(token.get("expires_in", 0)))
    grant.scope = str(token.get("scope") or grant.scope)
    grant.last_refreshed_at = timezone.now()
    grant.version += 1


def _still_fresh(grant: OAuthGrant, seen_version: int | None) -> bool:
    if seen_version is not None:  # a 401 with this version: refresh unless someone did
        return grant.version != seen_version
    return grant.access_valid_for(provider_for(grant.provider).refresh_margin)


@contextmanager
def locked_grant(grant_id: int) -> Iterator[OAuthGrant]:
    """The grant, held exclusively by this caller until the block ends."""
    if db_connection.features.has_select_for_update:
        with transaction.atomic():
            yield OAuthGrant.objects.select_for_update().get(pk=grant_id)
        return
    # Embedded SQLite (make run): a write transaction held across the provider call
    # would lock out the sandbox answering it, so a file lock serialises refreshes
    # across this machine's web, worker and beat processes instead.
    LOCK_DIR.mkdir(parents=True, exist_ok=True)
    with open(LOCK_DIR / f"grant-{grant_id}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield OAuthGrant.objects.get(pk=grant_id)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def refresh_grant(grant_id: int, *, seen_version: int | None = None) -> OAuthGrant:
    """Refresh now unless another worker already has; returns the grant as committed."""
    failure: Exception | None = None
    with locked_grant(grant_id) as grant:
        if grant.status != OAuthGrant.Status.ACTIVE:
            raise GrantInvalid("this connection needs to be reconnected")
        if _still_fresh(grant, seen_version):
            return grant
        try:
            provider = provider_for(grant.provider).for_organisation(grant.organisation_id)
            token = oauth.refresh(provider, grant.refresh_token)
        except GrantInvalid as error:
            grant.status = OAuthGrant.Status.INVALID
            grant.save(update_fields=["status"])
            health.grant_invalid(grant, error.message)
            failure = error
        except ProviderUnavailable as error:
            health.refresh_unavailable(grant, error.message)
            failure = error
        else:
            store_token(grant, token)
            grant.save()
            health.refresh_succeeded(grant)
    if failure is not None:
        raise failure
    return grant


def fresh_grant(grant: OAuthGrant) -> OAuthGrant:
    """The grant with an access token that won't expire within the provider's margin."""
    if grant.status == OAuthGrant.Status.ACTIVE and grant.access_valid_for(
        provider_for(grant.provider).refresh_margin
    ):
        return grant
    return refresh_grant(grant.pk)


def _send(
    connection: Connection, method: str, url: str, token: str, **kwargs: Any
) -> requests.Response:
    try:
        return request(method, url, access_token=token, **kwargs)
    except RateLimited:
        raise  # the caller's budget waits it out: not a sign of ill health
    except ProviderUnavailable as error:
        connection.refresh_from_db()
        health.mark_degraded(connection, f"Calls to the provider are failing: {error.message}.")
        raise


HEALTH_FIELDS = ("state", "reason", "last_error", "failure_count", "retry_at")
# Connection objects whose rows this transaction holds (SELECT ... FOR UPDATE), their
# health fields read under that lock: nobody else can change them until it ends.
_held: ContextVar[tuple[Connection, ...]] = ContextVar("held_connections", default=())


@contextmanager
def row_held(connection: Connection) -> Iterator[None]:
    """The caller holds `connection`'s row locked in the current transaction and has
    just read its HEALTH_FIELDS into this very object: calls on it skip the re-read
    that `call` otherwise makes after every exchange (one query per call)."""
    mark = _held.set((*_held.get(), connection))
    try:
        yield
    finally:
        _held.reset(mark)


def _health_current(connection: Connection) -> bool:
    return any(held is connection for held in _held.get())


def call(connection: Connection, method: str, url: str, **kwargs: Any) -> requests.Response:
    """An API call for a connection: fresh token first, one refresh and retry on a 401.

    Refresh failures update health inside refresh_grant; call failures here.
    """
    if connection.grant is None:
        raise GrantInvalid("this connection needs to be reconnected")
    grant = fresh_grant(connection.grant)
    response = _send(connection, method, url, grant.access_token, **kwargs)
    if response.status_code == 401:
        grant = refresh_grant(grant.pk, seen_version=grant.version)
        response = _send(connection, method, url, grant.access_token, **kwargs)
    # A refresh marks the grant's connections healthy through other objects: re-read.
    refreshed = grant is not connection.grant
    # The grant as refreshed, for the next call. Then the health fields only: a worker
    # leaving after a Disconnect holds the grant in memory alone (the row no longer
    # names it), and must keep it for its last calls.
    connection.grant = grant
    if refreshed or not _health_current(connection):
        connection.refresh_from_db(fields=HEALTH_FIELDS)
    limited = provider_for(connection.provider).throttled(response)
    if limited is not None:  # a limit, not a refusal: the caller's budget waits it out
        limited.answer = response
        raise limited
    if response.status_code in (401, 403):
        reason = f"The provider refused Patchbay's call ({response.status_code})"
        health.mark_error(connection, f"{reason}. Reconnect to restore access.")
        raise AccessRefused(reason)
    health.mark_healthy(connection)
    return response
