"""Invoices, credit notes and payments: read-only (they change through the product's pages)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from rest_framework import mixins

from api.serializers import CreditNoteSerializer, InvoiceSerializer, PaymentSerializer
from api.views.base import ApiViewSet
from apikeys.scopes import Module
from operations.models import CreditNote, CreditNoteLine, Invoice, InvoiceLine, Payment


class _ReadOnly(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    lookup_value_regex = "[0-9]+"


class InvoiceViewSet(_ReadOnly):
    """Invoices with their lines (invoices:read)."""

    module = Module.INVOICES
    model = Invoice
    serializer_class = InvoiceSerializer

    def get_queryset(self) -> Any:
        lines = Prefetch(
            "lines", queryset=InvoiceLine.objects.select_related("tax_category").order_by("pk")
        )
        return super().get_queryset().prefetch_related(lines)


class CreditNoteViewSet(_ReadOnly):
    """Credit notes with their lines (invoices:read)."""

    module = Module.INVOICES
    model = CreditNote
    serializer_class = CreditNoteSerializer

    def get_queryset(self) -> Any:
        lines = Prefetch(
            "lines", queryset=CreditNoteLine.objects.select_related("tax_category").order_by("pk")
        )
        return super().get_queryset().prefetch_related(lines)


class PaymentViewSet(_ReadOnly):
    """Payments received against invoices (payments:read)."""

    module = Module.PAYMENTS
    model = Payment
    serializer_class = PaymentSerializer
