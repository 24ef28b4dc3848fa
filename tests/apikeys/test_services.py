from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from apikeys import services, tokens
from apikeys.models import ApiKey, ApiKeyEvent
from apikeys.scopes import Preset, preset
from tests.conftest import Tenants


def _create(tenants: Tenants, **extra: object) -> services.NewKey:
    return services.create_key(
        tenants.alpha,
        name="Dashboard",
        scopes=preset(Preset.READ_ONLY),
        created_by=tenants.manager,
        **extra,  # type: ignore[arg-type]
    )


def test_a_key_is_stored_only_as_its_digest(tenants: Tenants) -> None:
    created = _create(tenants)
    row = ApiKey.objects.values().get(pk=created.key.pk)
    assert row["key_hash"] == tokens.digest(created.secret)
    assert not any(created.secret in str(value) for value in row.values())
    assert created.key.masked == f"{created.secret[:8]}…{created.secret[-4:]}"


def test_creation_and_revocation_are_audited_with_who(tenants: Tenants) -> None:
    created = _create(tenants)
    assert services.revoke_key(created.key, actor=tenants.owner, ip="127.0.0.1")
    kinds = list(ApiKeyEvent.objects.filter(key=created.key).values_list("kind", "actor"))
    assert sorted(kinds) == sorted([("created", tenants.manager.pk), ("revoked", tenants.owner.pk)])
    assert not any(created.secret in e.detail for e in ApiKeyEvent.objects.all())


def test_revocation_is_final(tenants: Tenants) -> None:
    key = _create(tenants).key
    assert services.revoke_key(key, actor=None)
    first = ApiKey.objects.get(pk=key.pk).revoked_at
    assert not services.revoke_key(key, actor=None)
    assert ApiKey.objects.get(pk=key.pk).revoked_at == first


def test_an_expiry_in_the_past_is_refused(tenants: Tenants) -> None:
    with pytest.raises(services.ApiKeyError):
        _create(tenants, expires_at=timezone.now() - timedelta(minutes=1))


def test_the_periodic_task_marks_expired_keys_revoked_at_their_expiry(tenants: Tenants) -> None:
    expires = timezone.now() + timedelta(hours=1)
    key = _create(tenants, expires_at=expires).key
    assert services.expire_due_keys() == 0
    with time_machine.travel(expires + timedelta(minutes=3), tick=False):
        assert services.expire_due_keys() == 1
        assert services.expire_due_keys() == 0
    key.refresh_from_db()
    assert (key.revoked_at, key.revoked_reason) == (expires, "expired")
    assert ApiKeyEvent.objects.filter(key=key, kind="expired").count() == 1


def test_elevated_limits_need_both_numbers_and_are_audited(tenants: Tenants) -> None:
    key = _create(tenants).key
    with pytest.raises(services.ApiKeyError):
        services.set_limits(key, tier="elevated", actor=tenants.owner, minute_limit=500)
    services.set_limits(
        key, tier="elevated", actor=tenants.owner, minute_limit=500, hour_limit=20_000
    )
    assert [(w.name, w.limit) for w in services.windows_for(key)] == [
        ("minute", 500),
        ("hour", 20_000),
    ]
    services.set_limits(key, tier="standard", actor=tenants.owner)
    assert [w.limit for w in services.windows_for(key)] == [100, 5_000]
    assert ApiKeyEvent.objects.filter(key=key, kind="limits_changed").count() == 2


def test_refused_uses_are_audited_at_most_once_a_minute_per_reason(tenants: Tenants) -> None:
    key = _create(tenants).key
    for _ in range(20):
        services.record_refusal(key, "revoked key used", "127.0.0.1")
    services.record_refusal(key, "missing scope invoices:write", None)
    refused = ApiKeyEvent.objects.filter(key=key, kind="refused")
    assert sorted(refused.values_list("detail", flat=True)) == [
        "missing scope invoices:write",
        "revoked key used",
    ]
