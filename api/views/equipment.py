from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers import (
    AvailabilityQuerySerializer,
    AvailabilitySerializer,
    EquipmentItemSerializer,
)
from api.views.base import ApiViewSet
from apikeys.scopes import Module
from operations.models import Booking, EquipmentItem

DEFAULT_DAYS = 14


class EquipmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Equipment items and their day-by-day availability (equipment:read)."""

    module = Module.EQUIPMENT
    model = EquipmentItem
    serializer_class = EquipmentItemSerializer
    lookup_value_regex = "[0-9]+"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("category")

    @extend_schema(
        parameters=[
            OpenApiParameter("start", date, description="First day; default today"),
            OpenApiParameter("end", date, description="Last day (at most 92 days on); default +13"),
        ],
        responses={200: AvailabilitySerializer},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def availability(self, request: Request, pk: str | None = None) -> Response:
        item = self.get_object()
        query = AvailabilityQuerySerializer(data=self._range(request))
        query.is_valid(raise_exception=True)
        start, end = query.validated_data["start"], query.validated_data["end"]
        return Response(AvailabilitySerializer(_availability(item, start, end)).data)

    def _range(self, request: Request) -> dict[str, Any]:
        today = timezone.localdate(timezone=ZoneInfo(self.organisation.timezone))
        start = request.query_params.get("start") or today.isoformat()
        default_end = today + timedelta(days=DEFAULT_DAYS - 1)
        if "start" in request.query_params:
            default_end = _plus(start, DEFAULT_DAYS - 1, default_end)
        return {"start": start, "end": request.query_params.get("end") or default_end.isoformat()}


def _plus(day: str, days: int, fallback: date) -> date:
    try:
        return date.fromisoformat(day) + timedelta(days=days)
    except (ValueError, OverflowError):
        return fallback  # the start itself is invalid and will be reported as such


def _availability(item: EquipmentItem, start: date, end: date) -> dict[str, Any]:
    bookings = list(
        Booking.objects.filter(item=item)
        .filter(Q(starts_on__lte=end) & Q(ends_on__gte=start))
        .values_list("starts_on", "ends_on", "quantity")
    )
    days = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        booked = sum(q for first, last, q in bookings if first <= day <= last)
        days.append(
            {"date": day, "booked": booked, "available": max(0, item.stock_quantity - booked)}
        )
    return {"item": item.pk, "stock_quantity": item.stock_quantity, "days": days}
