"""The ``data`` of each event: the same representation the REST API gives the record."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from rest_framework.serializers import BaseSerializer

from api import serializers as api
from operations import models as ops

SERIALIZERS: dict[type[Model], type[BaseSerializer[Any]]] = {
    ops.Customer: api.CustomerSerializer,
    ops.Project: api.ProjectSerializer,
    ops.Quote: api.QuoteSerializer,
    ops.Invoice: api.InvoiceSerializer,
    ops.Payment: api.PaymentSerializer,
    ops.Booking: api.BookingSerializer,
}


def data_for(instance: Model, **extra: Any) -> dict[str, Any]:
    serializer = SERIALIZERS[type(instance)](instance)
    return {**serializer.data, **extra}
