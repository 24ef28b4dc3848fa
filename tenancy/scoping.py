"""The default path to tenant-owned rows: always through the current organisation."""

from __future__ import annotations

from typing import Any, TypeVar

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from tenancy.models import Organisation, TenantModel, TenantQuerySet

M = TypeVar("M", bound=TenantModel)


def current_organisation(request: HttpRequest) -> Organisation:
    organisation: Organisation | None = getattr(request, "organisation", None)
    if organisation is None:
        # Views that reach here are guarded by require_capability; this is a bug guard.
        raise LookupError("No current organisation on this request.")
    return organisation


def scoped(request: HttpRequest, model: type[M]) -> TenantQuerySet[M]:
    manager: Any = model._default_manager
    queryset: TenantQuerySet[M] = manager.for_organisation(current_organisation(request))
    return queryset


def scoped_get_or_404(request: HttpRequest, model: type[M], **lookup: Any) -> M:
    """Another organisation's row is indistinguishable from a missing one: 404."""
    return get_object_or_404(scoped(request, model), **lookup)
