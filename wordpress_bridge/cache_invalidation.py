"""Which changes make the public API's cached answers stale, wired to model signals.

Signals, though the project otherwise calls services, because the changes that
matter come from everywhere (the bookings pages, check-out and return, the equipment
pages, the WordPress card's settings, the admin, the REST API, demo data) and a
missed call would show a stale site for a whole cache lifetime. Each receiver only
bumps the organisation's version (``public_cache.bump``) once the transaction
commits, so a rolled-back change invalidates nothing and an answer computed before
the commit cannot be stored under the new version.

Not seen by signals: ``QuerySet.update()``, ``bulk_create()`` and raw SQL. Code that
writes these models in bulk calls ``public_cache.bump(organisation_id)`` itself; at
worst an answer is stale for settings.PUBLIC_API_CACHE_SECONDS.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from operations.models import Booking, EquipmentCategory, EquipmentItem, Repair
from tenancy.models import Organisation
from wordpress_bridge import public_cache
from wordpress_bridge.models import AllowedOrigin, WebsiteSettings

WATCHED: tuple[type[Model], ...] = (
    Booking,
    Repair,
    EquipmentItem,
    EquipmentCategory,
    WebsiteSettings,
    AllowedOrigin,
    Organisation,
)
UID = "wordpress_bridge.public_cache"


def _organisation_of(instance: Model) -> int | None:
    if isinstance(instance, Organisation):
        return instance.pk
    found = getattr(instance, "organisation_id", None)
    return int(found) if found is not None else None


def stale_on_commit(instance: Model, **kwargs: Any) -> None:
    organisation_id = _organisation_of(instance)
    if organisation_id is not None:
        transaction.on_commit(partial(public_cache.bump, organisation_id))


def _m2m_changed(instance: Model, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        stale_on_commit(instance)


def connect() -> None:
    """Called once, from the app's ready()."""
    for model in WATCHED:
        post_save.connect(stale_on_commit, sender=model, dispatch_uid=f"{UID}:save:{model}")
        post_delete.connect(stale_on_commit, sender=model, dispatch_uid=f"{UID}:delete:{model}")
    for through in (
        WebsiteSettings.shown_categories.through,
        WebsiteSettings.hidden_items.through,
    ):
        m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"{UID}:m2m:{through}")
