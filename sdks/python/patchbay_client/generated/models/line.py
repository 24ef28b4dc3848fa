from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Line")


@_attrs_define
class Line:
    """
    Attributes:
        description (str):
        item (int | None):
        quantity (str):
        unit_price (str):
        tax_category (int):
        income_category (int):
        net_amount (str):
        tax_amount (str):
    """

    description: str
    item: int | None
    quantity: str
    unit_price: str
    tax_category: int
    income_category: int
    net_amount: str
    tax_amount: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        description = self.description

        item: int | None
        item = self.item

        quantity = self.quantity

        unit_price = self.unit_price

        tax_category = self.tax_category

        income_category = self.income_category

        net_amount = self.net_amount

        tax_amount = self.tax_amount

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "description": description,
                "item": item,
                "quantity": quantity,
                "unit_price": unit_price,
                "tax_category": tax_category,
                "income_category": income_category,
                "net_amount": net_amount,
                "tax_amount": tax_amount,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        description = d.pop("description")

        def _parse_item(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        item = _parse_item(d.pop("item"))

        quantity = d.pop("quantity")

        unit_price = d.pop("unit_price")

        tax_category = d.pop("tax_category")

        income_category = d.pop("income_category")

        net_amount = d.pop("net_amount")

        tax_amount = d.pop("tax_amount")

        line = cls(
            description=description,
            item=item,
            quantity=quantity,
            unit_price=unit_price,
            tax_category=tax_category,
            income_category=income_category,
            net_amount=net_amount,
            tax_amount=tax_amount,
        )

        line.additional_properties = d
        return line

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
