"""Equipment for the website tests: public and internal categories with items."""

from __future__ import annotations

from decimal import Decimal

from operations.models import EquipmentCategory, EquipmentItem
from tenancy.models import Organisation

PUBLIC = EquipmentCategory.Visibility.PUBLIC
INTERNAL = EquipmentCategory.Visibility.INTERNAL


def make_category(
    organisation: Organisation, name: str, items: int = 2, visibility: str = PUBLIC
) -> EquipmentCategory:
    category = EquipmentCategory.objects.create(
        organisation=organisation, name=name, visibility=visibility
    )
    EquipmentItem.objects.bulk_create(
        EquipmentItem(
            organisation=organisation,
            category=category,
            name=f"{name} item {number}",
            stock_quantity=3,
            daily_rate=Decimal("10.00"),
        )
        for number in range(1, items + 1)
    )
    return category


def items_of(category: EquipmentCategory) -> list[EquipmentItem]:
    return list(EquipmentItem.objects.filter(category=category).order_by("name"))
