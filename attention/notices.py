"""The notices a member sees: the header's count and the lists on the Integrations and
notices pages. Read lazily, so a page that shows none of them runs no query."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from attention.audience import visible_to
from attention.models import Notice
from tenancy.models import Membership

# A recovered notice stays listed (as recovered) this long, so people see it was fixed.
RECOVERED_SHOWN = timedelta(days=1)


def open_for(membership: Membership) -> QuerySet[Notice]:
    return visible_to(Notice.objects.all(), membership).filter(closed_at__isnull=True)


def recent_for(membership: Membership) -> QuerySet[Notice]:
    """Open notices, then those recovered within the last day."""
    recent = Q(closed_at__isnull=True) | Q(closed_at__gte=timezone.now() - RECOVERED_SHOWN)
    return (
        visible_to(Notice.objects.all(), membership)
        .filter(recent)
        .order_by("closed_at", "-opened_at", "-pk")
    )


def context(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: ``attention_count`` and ``attention_notices``."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    return {
        "attention_count": SimpleLazyObject(lambda: open_for(membership).count()),
        "attention_notices": SimpleLazyObject(lambda: list(recent_for(membership)[:20])),
    }
