"""The categories a quote line refers to (quotes:read): what ids to send."""

from __future__ import annotations

from rest_framework import mixins

from api.serializers import CategorySerializer, TaxCategorySerializer
from api.views.base import ApiViewSet
from apikeys.scopes import Module
from operations.models import IncomeCategory, TaxCategory


class TaxCategoryViewSet(mixins.ListModelMixin, ApiViewSet):
    """Tax categories and their rates (quotes:read)."""

    module = Module.QUOTES
    model = TaxCategory
    serializer_class = TaxCategorySerializer


class IncomeCategoryViewSet(mixins.ListModelMixin, ApiViewSet):
    """Income categories (quotes:read)."""

    module = Module.QUOTES
    model = IncomeCategory
    serializer_class = CategorySerializer
