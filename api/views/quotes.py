from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from api.problems import CONTENT_TYPE, Conflict
from api.serializers import ProblemSerializer, QuoteCreateSerializer, QuoteSerializer
from api.views.base import ApiViewSet
from apikeys.scopes import Module
from operations import services
from operations.models import Quote, QuoteLine
from operations.services import LineInput, OperationError


class QuoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Quotes: create a draft with its lines; approve it (``quote.approved``)."""

    module = Module.QUOTES
    model = Quote
    serializer_class = QuoteSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> Any:
        lines = Prefetch(
            "lines", queryset=QuoteLine.objects.select_related("tax_category").order_by("pk")
        )
        return super().get_queryset().prefetch_related(lines)

    @extend_schema(request=QuoteCreateSerializer, responses={201: QuoteSerializer})
    def create(self, request: Request) -> Response:
        incoming = QuoteCreateSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            quote = services.create_quote(
                data["customer"],
                [LineInput(**line) for line in data["lines"]],
                project=data["project"],
                expiry_date=data["expiry_date"],
            )
        except OperationError as error:
            raise ValidationError({error.field or "non_field_errors": [error.message]}) from None
        return Response(QuoteSerializer(quote).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: QuoteSerializer, (409, CONTENT_TYPE): ProblemSerializer},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        quote = self.get_object()
        try:
            approved = services.approve_quote(quote)
        except OperationError as error:
            raise Conflict(error.message) from None
        return Response(QuoteSerializer(approved).data)
