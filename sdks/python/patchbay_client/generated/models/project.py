from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.project_status_enum import ProjectStatusEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="Project")


@_attrs_define
class Project:
    """A model's representation; its decimal columns are shown by AmountField.

    Attributes:
        id (int):
        name (str):
        client (int):
        starts_at (datetime.datetime):
        ends_at (datetime.datetime):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        venue (str | Unset):
        notes (str | Unset):
        status (ProjectStatusEnum | Unset): * `enquiry` - Enquiry
            * `confirmed` - Confirmed
            * `in_progress` - In progress
            * `completed` - Completed
            * `cancelled` - Cancelled
    """

    id: int
    name: str
    client: int
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    created_at: datetime.datetime
    updated_at: datetime.datetime
    venue: str | Unset = UNSET
    notes: str | Unset = UNSET
    status: ProjectStatusEnum | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        client = self.client

        starts_at = self.starts_at.isoformat()

        ends_at = self.ends_at.isoformat()

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        venue = self.venue

        notes = self.notes

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "client": client,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "created_at": created_at,
                "updated_at": updated_at,
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
        id = d.pop("id")

        name = d.pop("name")

        client = d.pop("client")

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))

        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        venue = d.pop("venue", UNSET)

        notes = d.pop("notes", UNSET)

        _status = d.pop("status", UNSET)
        status: ProjectStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = ProjectStatusEnum(_status)

        project = cls(
            id=id,
            name=name,
            client=client,
            starts_at=starts_at,
            ends_at=ends_at,
            created_at=created_at,
            updated_at=updated_at,
            venue=venue,
            notes=notes,
            status=status,
        )

        project.additional_properties = d
        return project

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
