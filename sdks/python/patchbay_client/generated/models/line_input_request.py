from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="LineInputRequest")


@_attrs_define
class LineInputRequest:
    """
    Attributes:
        unit_price (str):
        tax_category (int):
        income_category (int):
        description (str | Unset):  Default: ''.
        item (int | None | Unset):
        quantity (str | Unset):  Default: '1.00'.
    """

    unit_price: str
    tax_category: int
    income_category: int
    description: str | Unset = ""
    item: int | None | Unset = UNSET
    quantity: str | Unset = "1.00"
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        unit_price = self.unit_price

        tax_category = self.tax_category

        income_category = self.income_category

        description = self.description

        item: int | None | Unset
        if isinstance(self.item, Unset):
            item = UNSET
        else:
            item = self.item

        quantity = self.quantity

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "unit_price": unit_price,
                "tax_category": tax_category,
                "income_category": income_category,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if item is not UNSET:
            field_dict["item"] = item
        if quantity is not UNSET:
            field_dict["quantity"] = quantity

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        unit_price = d.pop("unit_price")

        tax_category = d.pop("tax_category")

        income_category = d.pop("income_category")

        description = d.pop("description", UNSET)

        def _parse_item(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        item = _parse_item(d.pop("item", UNSET))

        quantity = d.pop("quantity", UNSET)

        line_input_request = cls(
            unit_price=unit_price,
            tax_category=tax_category,
            income_category=income_category,
            description=description,
            item=item,
            quantity=quantity,
        )

        line_input_request.additional_properties = d
        return line_input_request

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
