"""The connection health state machine and its audit events.

connected <-> degraded (transient trouble, retried with back-off) -> error (needs a
reconnect) -> disconnected. Events are written on transitions, so a flapping
provider doesn't flood the audit log.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from integrations.models import Connection, ConnectionEvent, OAuthGrant
from integrations.registry import platform_name
from integrations.retry import Backoff, RetryPolicy
from tenancy.models import User

State = Connection.State
Kind = ConnectionEvent.Kind
MAX_BACKOFF = timedelta(minutes=30)
# A degraded connection is checked again until it heals or needs a reconnect: no limit
# on attempts, and no jitter (the checks are a periodic sweep, not a crowd at one server).
RECHECKS = RetryPolicy(Backoff.exponential(60.0, cap_s=MAX_BACKOFF.total_seconds()))


def record(
    connection: Connection, kind: str, *, actor: User | None = None, message: str = ""
) -> ConnectionEvent:
    return ConnectionEvent.objects.create(
        organisation_id=connection.organisation_id,
        connection=connection,
        kind=kind,
        actor=actor,
        message=message,
    )


def backoff(failures: int) -> timedelta:
    """1, 2, 4, 8 ... minutes, capped at 30."""
    return timedelta(seconds=RECHECKS.wait(failures))


def _active(grant: OAuthGrant) -> list[Connection]:
    return list(grant.connections.filter(state__in=Connection.ACTIVE_STATES))


def mark_healthy(connection: Connection, *, kind: str = Kind.RECOVERED) -> None:
    if connection.state in (State.CONNECTED, State.DISCONNECTED):
        return  # a disconnected connection stays so, whatever a late call answered
    connection.state = State.CONNECTED
    connection.reason = ""
    connection.failure_count = 0
    connection.retry_at = None
    connection.save(update_fields=["state", "reason", "failure_count", "retry_at"])
    record(connection, kind)


def mark_degraded(connection: Connection, reason: str) -> None:
    if connection.state == State.DISCONNECTED:
        return  # the worker's unlink after a Disconnect: its failure is recorded there
    was = connection.state
    connection.failure_count += 1
    connection.state = State.DEGRADED
    connection.reason = reason
    connection.last_error = reason
    connection.retry_at = timezone.now() + backoff(connection.failure_count)
    connection.save(update_fields=["state", "reason", "failure_count", "retry_at", "last_error"])
    if was != State.DEGRADED:
        record(connection, Kind.DEGRADED, message=reason)


def mark_error(connection: Connection, reason: str) -> None:
    if connection.state in (State.ERROR, State.DISCONNECTED):
        return
    connection.state = State.ERROR
    connection.reason = reason
    connection.last_error = reason
    connection.retry_at = None
    connection.save(update_fields=["state", "reason", "last_error", "retry_at"])
    record(connection, Kind.ERROR, message=reason)


def refresh_succeeded(grant: OAuthGrant) -> None:
    for connection in _active(grant):
        record(connection, Kind.REFRESHED)
        mark_healthy(connection)


def refresh_unavailable(grant: OAuthGrant, reason: str) -> None:
    for connection in _active(grant):
        record(connection, Kind.REFRESH_FAILED, message=reason)
        mark_degraded(
            connection,
            f"Renewing Patchbay's access to {platform_name(connection)} is failing: {reason}. "
            "Patchbay keeps retrying; nothing is lost meanwhile.",
        )


def grant_invalid(grant: OAuthGrant, reason: str) -> None:
    for connection in _active(grant):
        record(connection, Kind.REFRESH_FAILED, message=reason)
        name = platform_name(connection)
        mark_error(
            connection,
            f"{name} no longer accepts Patchbay's access: {reason}. Reconnect {name} to "
            "resume syncing; what was synced is kept.",
        )
