"""Every change to an API key happens here, with its audit entry in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from apikeys import tokens
from apikeys.models import ApiKey, ApiKeyEvent
from apikeys.ratelimit import Window
from apikeys.scopes import Scopes
from tenancy.models import Organisation, User

# A refused use is audited at most once per key and reason in this many seconds, so
# a client hammering with a revoked key cannot turn the audit log into a write flood.
REFUSAL_AUDIT_SECONDS = 60


class ApiKeyError(Exception):
    """A refused change to a key, with a message fit to show as it is."""


@dataclass(frozen=True)
class NewKey:
    key: ApiKey
    secret: str  # the only time the full key exists outside the client's hands


def _audit(
    key: ApiKey,
    kind: str,
    detail: str = "",
    actor: User | None = None,
    ip: str | None = None,
) -> None:
    ApiKeyEvent.objects.create(
        organisation_id=key.organisation_id,
        key=key,
        kind=kind,
        detail=detail[:300],
        actor=actor,
        ip_address=ip,
    )


@transaction.atomic
def create_key(
    organisation: Organisation,
    *,
    name: str,
    scopes: Scopes,
    created_by: User | None,
    description: str = "",
    expires_at: datetime | None = None,
    ip: str | None = None,
) -> NewKey:
    if expires_at is not None and expires_at <= timezone.now():
        raise ApiKeyError("The expiry must be in the future.")
    secret = tokens.generate()
    key = ApiKey.objects.create(
        organisation=organisation,
        name=name,
        description=description,
        key_hash=tokens.digest(secret),
        prefix=tokens.display_prefix(secret),
        last4=secret[-4:],
        scopes=scopes,
        expires_at=expires_at,
        created_by=created_by,
    )
    _audit(key, ApiKeyEvent.Kind.CREATED, f"Scopes: {_scope_text(scopes)}", created_by, ip)
    return NewKey(key, secret)


def _scope_text(scopes: Scopes) -> str:
    return ", ".join(f"{module}:{level}" for module, level in sorted(scopes.items()))


@transaction.atomic
def revoke_key(key: ApiKey, *, actor: User | None, ip: str | None = None) -> bool:
    """Revoke at once and for good. False when the key was already revoked."""
    return _revoke(key, ApiKey.RevokedReason.MANUAL, timezone.now(), actor, ip)


def _revoke(key: ApiKey, reason: str, at: datetime, actor: User | None, ip: str | None) -> bool:
    # Conditional update: revocation is set once and never cleared or overwritten.
    changed = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(
        revoked_at=at, revoked_reason=reason
    )
    if not changed:
        return False
    key.revoked_at, key.revoked_reason = at, reason
    kind = (
        ApiKeyEvent.Kind.EXPIRED
        if reason == ApiKey.RevokedReason.EXPIRED
        else ApiKeyEvent.Kind.REVOKED
    )
    _audit(key, kind, "", actor, ip)
    return True


def expire_due_keys(now: datetime | None = None) -> int:
    """Mark keys past their expiry as revoked (they are refused from expiry anyway)."""
    now = now or timezone.now()
    due = ApiKey.objects.filter(revoked_at__isnull=True, expires_at__lte=now)
    expired = 0
    for key in due.iterator():
        at = key.expires_at or now  # never None here: the filter asks for a past expiry
        with transaction.atomic():
            expired += _revoke(key, ApiKey.RevokedReason.EXPIRED, at, None, None)
    return expired


@transaction.atomic
def set_limits(
    key: ApiKey,
    *,
    tier: str,
    actor: User | None,
    minute_limit: int | None = None,
    hour_limit: int | None = None,
) -> None:
    if key.revoked_at is not None:
        raise ApiKeyError("A revoked key's limits can no longer change.")
    if tier == ApiKey.Tier.STANDARD:
        minute_limit = hour_limit = None
    elif not (minute_limit and hour_limit):
        raise ApiKeyError("An elevated tier needs both a per-minute and a per-hour limit.")
    key.tier, key.minute_limit, key.hour_limit = tier, minute_limit, hour_limit
    key.save(update_fields=["tier", "minute_limit", "hour_limit"])
    limits = ", ".join(f"{w.limit}/{w.name}" for w in windows_for(key))
    _audit(key, ApiKeyEvent.Kind.LIMITS_CHANGED, f"{key.get_tier_display()}: {limits}", actor)


def windows_for(key: ApiKey) -> tuple[Window, ...]:
    standard = settings.API_RATE_LIMITS
    minute = key.minute_limit or standard["minute"][0]
    hour = key.hour_limit or standard["hour"][0]
    if key.tier == ApiKey.Tier.STANDARD:
        minute, hour = standard["minute"][0], standard["hour"][0]
    return (
        Window("minute", minute, standard["minute"][1]),
        Window("hour", hour, standard["hour"][1]),
    )


def record_refusal(key: ApiKey, reason: str, ip: str | None) -> None:
    """Audit a refused use, at most once per key and reason per REFUSAL_AUDIT_SECONDS."""
    try:
        slug = "".join(c if c.isalnum() else "-" for c in reason)  # cache-key safe
        first = cache.add(f"apikey-refused:{key.pk}:{slug}", 1, REFUSAL_AUDIT_SECONDS)
    except Exception:  # without the cache, audit every refusal rather than none
        first = True
    if first:
        _audit(key, ApiKeyEvent.Kind.REFUSED, reason, None, ip)


def note_use(key: ApiKey, at: datetime) -> None:
    """Record "last used": called at most once per key per API_KEY_LAST_USED_SECONDS."""
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=at)
    key.last_used_at = at
