"""What the API access card says: in use or not, and how much."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from apikeys.models import ApiKey
from apikeys.webhook_endpoints import webhook_endpoints
from tenancy.models import Organisation


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def card_status(organisation: Organisation) -> tuple[bool, str]:
    now = timezone.now()
    keys = (
        ApiKey.objects.for_organisation(organisation)
        .filter(revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .count()
    )
    endpoints = webhook_endpoints().enabled_count(organisation.pk)
    if not (keys or endpoints):
        return False, "No API keys or webhook endpoints yet."
    return True, f"{_count(keys, 'active key')} · {_count(endpoints, 'webhook endpoint')}"
