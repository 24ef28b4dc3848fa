"""``updated_since``: what changed at or after a moment, for incremental syncs."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request


class _Query(serializers.Serializer[dict[str, Any]]):
    updated_since = serializers.DateTimeField(required=False)


class UpdatedSinceFilter(BaseFilterBackend):
    description = (
        "Only records changed at or after this moment (ISO 8601 with a time zone, e.g. "
        "2026-01-31T09:00:00Z). Results are ordered oldest change first, so a client can "
        "keep the last updated_at it saw and ask again from there."
    )

    def filter_queryset(
        self, request: Request, queryset: QuerySet[Any], view: Any
    ) -> QuerySet[Any]:
        query = _Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        since = query.validated_data.get("updated_since")
        if since is not None:
            queryset = queryset.filter(updated_at__gte=since)
        return queryset.order_by("updated_at", "pk")

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": "updated_since",
                "required": False,
                "in": "query",
                "description": self.description,
                "schema": {"type": "string", "format": "date-time"},
            }
        ]
