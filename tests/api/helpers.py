"""Builders for API tests: keys with chosen scopes, and clients that send them."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from apikeys import services
from apikeys.models import ApiKey
from apikeys.scopes import Preset, Scopes, preset
from tenancy.models import Organisation


def make_key(
    organisation: Organisation, scopes: Scopes | None = None, **extra: Any
) -> tuple[ApiKey, str]:
    created = services.create_key(
        organisation,
        name=extra.pop("name", "Test key"),
        scopes=scopes if scopes is not None else preset(Preset.READ_WRITE),
        created_by=None,
        **extra,
    )
    return created.key, created.secret


def api(secret: str | None = None) -> APIClient:
    client = APIClient()
    if secret is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def elevate(key: ApiKey, per_minute: int = 1_000_000, per_hour: int = 10_000_000) -> None:
    services.set_limits(
        key, tier=ApiKey.Tier.ELEVATED, actor=None, minute_limit=per_minute, hour_limit=per_hour
    )
