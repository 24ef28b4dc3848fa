from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.project_status_enum import ProjectStatusEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="ProjectRequest")


@_attrs_define
class ProjectRequest:
    """A model's representation; its decimal columns are shown by AmountField.

    Attributes:
        name (str):
        client (int):
        starts_at (datetime.datetime):
        ends_at (datetime.datetime):
        venue (str | Unset):
        notes (str | Unset):
        status (ProjectStatusEnum | Unset): * `enquiry` - Enquiry
            * `confirmed` - Confirmed
            * `in_progress` - In progress
            * `completed` - Completed
            * `cancelled` - Cancelled
    """

    name: str
    client: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    venue: str | Unset = UNSET
    notes: str | Unset = UNSET
    status: ProjectStatusEnum | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        client = self.client

        starts_at = self.starts_at.isoformat()

        ends_at = self.ends_at.isoformat()

        venue = self.venue

        notes = self.notes

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "client": client,
                "starts_at": starts_at,
                "ends_at": ends_at,
            }
        )
        if venue is not UNSET:
            field_dict["venue"] = venue
        if notes is not UNSET:
            field_dict["notes"] = notes
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        client = d.pop("client")

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))

        venue = d.pop("venue", UNSET)

        notes = d.pop("notes", UNSET)

        _status = d.pop("status", UNSET)
        status: ProjectStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = ProjectStatusEnum(_status)

        project_request = cls(
            name=name,
            client=client,
            starts_at=starts_at,
            ends_at=ends_at,
            venue=venue,
            notes=notes,
            status=status,
        )

        project_request.additional_properties = d
        return project_request

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
