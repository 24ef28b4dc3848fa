from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.project_status_enum import ProjectStatusEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="PatchedProjectRequest")


@_attrs_define
class PatchedProjectRequest:
    """A model's representation; its decimal columns are shown by AmountField.

    Attributes:
        name (str | Unset):
        client (int | Unset):
        venue (str | Unset):
        starts_at (datetime.datetime | Unset):
        ends_at (datetime.datetime | Unset):
        notes (str | Unset):
        status (ProjectStatusEnum | Unset): * `enquiry` - Enquiry
            * `confirmed` - Confirmed
            * `in_progress` - In progress
            * `completed` - Completed
            * `cancelled` - Cancelled
    """

    name: str | Unset = UNSET
    client: int | Unset = UNSET
    venue: str | Unset = UNSET
    starts_at: datetime.datetime | Unset = UNSET
    ends_at: datetime.datetime | Unset = UNSET
    notes: str | Unset = UNSET
    status: ProjectStatusEnum | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        client = self.client

        venue = self.venue

        starts_at: str | Unset = UNSET
        if not isinstance(self.starts_at, Unset):
            starts_at = self.starts_at.isoformat()

        ends_at: str | Unset = UNSET
        if not isinstance(self.ends_at, Unset):
            ends_at = self.ends_at.isoformat()

        notes = self.notes

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if client is not UNSET:
            field_dict["client"] = client
        if venue is not UNSET:
            field_dict["venue"] = venue
        if starts_at is not UNSET:
            field_dict["starts_at"] = starts_at
        if ends_at is not UNSET:
            field_dict["ends_at"] = ends_at
        if notes is not UNSET:
            field_dict["notes"] = notes
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        client = d.pop("client", UNSET)

        venue = d.pop("venue", UNSET)

        _starts_at = d.pop("starts_at", UNSET)
        starts_at: datetime.datetime | Unset
        if isinstance(_starts_at, Unset):
            starts_at = UNSET
        else:
            starts_at = datetime.datetime.fromisoformat(_starts_at)

        _ends_at = d.pop("ends_at", UNSET)
        ends_at: datetime.datetime | Unset
        if isinstance(_ends_at, Unset):
            ends_at = UNSET
        else:
            ends_at = datetime.datetime.fromisoformat(_ends_at)

        notes = d.pop("notes", UNSET)

        _status = d.pop("status", UNSET)
        status: ProjectStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = ProjectStatusEnum(_status)

        patched_project_request = cls(
            name=name,
            client=client,
            venue=venue,
            starts_at=starts_at,
            ends_at=ends_at,
            notes=notes,
            status=status,
        )

        patched_project_request.additional_properties = d
        return patched_project_request

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
