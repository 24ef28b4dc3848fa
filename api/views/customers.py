from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.serializers import CustomerSerializer
from api.views.base import ApiViewSet
from apikeys.scopes import Module
from operations import services
from operations.models import Customer


class CustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Customers: read with customers:read; create and change with customers:write."""

    module = Module.CUSTOMERS
    model = Customer
    serializer_class = CustomerSerializer
    lookup_value_regex = "[0-9]+"

    @extend_schema(responses={201: CustomerSerializer})
    def create(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        customer = services.create_customer(self.organisation, **serializer.validated_data)
        return Response(self.get_serializer(customer).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        customer = self.get_object()
        serializer = self.get_serializer(customer, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        customer = services.update_customer(customer, **serializer.validated_data)
        return Response(self.get_serializer(customer).data)
