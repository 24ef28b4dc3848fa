"""The organisation's webhook endpoints and the event catalog (webhooks:read)."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers import EventTypeSerializer, WebhookEndpointSerializer
from api.views.base import ApiViewSet
from apikeys.scopes import Module
from apikeys.webhook_endpoints import webhook_endpoints
from operations.events import EVENT_TYPES


class WebhookEndpointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Endpoints (never their secrets). They are managed on the API access page."""

    module = Module.WEBHOOKS
    serializer_class = WebhookEndpointSerializer
    lookup_value_regex = "[0-9]+"
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        # Endpoints live in webhooks/, beside api/: reached through the port it fills.
        return webhook_endpoints().published(self.organisation_id)


class EventTypeViewSet(ApiViewSet):
    """Every event an endpoint can subscribe to."""

    module = Module.WEBHOOKS
    serializer_class = EventTypeSerializer
    filter_backends: list[Any] = []
    pagination_class = None

    @extend_schema(responses={200: EventTypeSerializer(many=True)})
    def list(self, request: Request) -> Response:
        rows = [{"name": name, "description": text} for name, text in EVENT_TYPES.items()]
        return Response(EventTypeSerializer(cast(Any, rows), many=True).data)
