from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.reference import Reference


T = TypeVar("T", bound="EquipmentItem")


@_attrs_define
class EquipmentItem:
    """A model's representation; its decimal columns are shown by AmountField.

    Attributes:
        id (int):
        name (str):
        sku (str):
        description (str):
        category (Reference):
        stock_quantity (int):
        daily_rate (str):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: int
    name: str
    sku: str
    description: str
    category: Reference
    stock_quantity: int
    daily_rate: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        sku = self.sku

        description = self.description

        category = self.category.to_dict()

        stock_quantity = self.stock_quantity

        daily_rate = self.daily_rate

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "sku": sku,
                "description": description,
                "category": category,
                "stock_quantity": stock_quantity,
                "daily_rate": daily_rate,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reference import Reference  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        sku = d.pop("sku")

        description = d.pop("description")

        category = Reference.from_dict(d.pop("category"))

        stock_quantity = d.pop("stock_quantity")

        daily_rate = d.pop("daily_rate")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        equipment_item = cls(
            id=id,
            name=name,
            sku=sku,
            description=description,
            category=category,
            stock_quantity=stock_quantity,
            daily_rate=daily_rate,
            created_at=created_at,
            updated_at=updated_at,
        )

        equipment_item.additional_properties = d
        return equipment_item

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
