from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.availability_day import AvailabilityDay


T = TypeVar("T", bound="Availability")


@_attrs_define
class Availability:
    """
    Attributes:
        item (int):
        stock_quantity (int):
        days (list[AvailabilityDay]):
    """

    item: int
    stock_quantity: int
    days: list[AvailabilityDay]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        item = self.item

        stock_quantity = self.stock_quantity

        days = []
        for days_item_data in self.days:
            days_item = days_item_data.to_dict()
            days.append(days_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "item": item,
                "stock_quantity": stock_quantity,
                "days": days,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.availability_day import AvailabilityDay  # noqa: PLC0415

        d = dict(src_dict)
        item = d.pop("item")

        stock_quantity = d.pop("stock_quantity")

        days = []
        _days = d.pop("days")
        for days_item_data in _days:
            days_item = AvailabilityDay.from_dict(days_item_data)

            days.append(days_item)

        availability = cls(
            item=item,
            stock_quantity=stock_quantity,
            days=days,
        )

        availability.additional_properties = d
        return availability

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
