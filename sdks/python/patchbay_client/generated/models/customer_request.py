from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CustomerRequest")


@_attrs_define
class CustomerRequest:
    """A model's representation; its decimal columns are shown by AmountField.

    Attributes:
        name (str):
        email (str | Unset):
        billing_address (str | Unset):
        currency (str | Unset):  Default: 'GBP'.
        tax_number (str | Unset):
    """

    name: str
    email: str | Unset = UNSET
    billing_address: str | Unset = UNSET
    currency: str | Unset = "GBP"
    tax_number: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        email: str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        billing_address = self.billing_address

        currency = self.currency

        tax_number = self.tax_number

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
            }
        )
        if email is not UNSET:
            field_dict["email"] = email
        if billing_address is not UNSET:
            field_dict["billing_address"] = billing_address
        if currency is not UNSET:
            field_dict["currency"] = currency
        if tax_number is not UNSET:
            field_dict["tax_number"] = tax_number

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        def _parse_email(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        billing_address = d.pop("billing_address", UNSET)

        currency = d.pop("currency", UNSET)

        tax_number = d.pop("tax_number", UNSET)

        customer_request = cls(
            name=name,
            email=email,
            billing_address=billing_address,
            currency=currency,
            tax_number=tax_number,
        )

        customer_request.additional_properties = d
        return customer_request

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
