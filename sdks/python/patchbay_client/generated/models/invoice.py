from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.invoice_status_enum import InvoiceStatusEnum

if TYPE_CHECKING:
    from ..models.line import Line


T = TypeVar("T", bound="Invoice")


@_attrs_define
class Invoice:
    """A model's representation; its decimal columns are shown by AmountField.

    Attributes:
        id (int):
        number (str): Assigned when issued
        customer (int):
        project (int | None):
        currency (str):
        issue_date (datetime.date):
        due_date (datetime.date):
        status (InvoiceStatusEnum): * `draft` - Draft
            * `issued` - Issued
            * `partially_paid` - Partially paid
            * `paid` - Paid
            * `void` - Void
        total (str):
        amount_due (str):
        lines (list[Line]):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: int
    number: str
    customer: int
    project: int | None
    currency: str
    issue_date: datetime.date
    due_date: datetime.date
    status: InvoiceStatusEnum
    total: str
    amount_due: str
    lines: list[Line]
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        number = self.number

        customer = self.customer

        project: int | None
        project = self.project

        currency = self.currency

        issue_date = self.issue_date.isoformat()

        due_date = self.due_date.isoformat()

        status = self.status.value

        total = self.total

        amount_due = self.amount_due

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "number": number,
                "customer": customer,
                "project": project,
                "currency": currency,
                "issue_date": issue_date,
                "due_date": due_date,
                "status": status,
                "total": total,
                "amount_due": amount_due,
                "lines": lines,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.line import Line  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        number = d.pop("number")

        customer = d.pop("customer")

        def _parse_project(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        project = _parse_project(d.pop("project"))

        currency = d.pop("currency")

        issue_date = datetime.date.fromisoformat(d.pop("issue_date"))

        due_date = datetime.date.fromisoformat(d.pop("due_date"))

        status = InvoiceStatusEnum(d.pop("status"))

        total = d.pop("total")

        amount_due = d.pop("amount_due")

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = Line.from_dict(lines_item_data)

            lines.append(lines_item)

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        invoice = cls(
            id=id,
            number=number,
            customer=customer,
            project=project,
            currency=currency,
            issue_date=issue_date,
            due_date=due_date,
            status=status,
            total=total,
            amount_due=amount_due,
            lines=lines,
            created_at=created_at,
            updated_at=updated_at,
        )

        invoice.additional_properties = d
        return invoice

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
