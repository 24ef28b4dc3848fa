"""Webhook endpoints as API access sees them (the port ``apikeys.webhook_endpoints``)."""

from __future__ import annotations

from django.db.models import QuerySet

from webhooks.models import Endpoint
from webhooks.services import allowed_urls


class Endpoints:
    def listed(self, organisation_id: int) -> QuerySet[Endpoint]:
        return Endpoint.objects.filter(organisation_id=organisation_id).order_by("created_at", "pk")

    def published(self, organisation_id: int) -> QuerySet[Endpoint]:
        rows = Endpoint.objects.filter(organisation_id=organisation_id)
        return rows.defer("secret", "previous_secret").order_by("pk")

    def enabled_count(self, organisation_id: int) -> int:
        return Endpoint.objects.filter(organisation_id=organisation_id, enabled=True).count()

    def url_rule(self) -> str:
        return allowed_urls()
