from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.problem_errors import ProblemErrors


T = TypeVar("T", bound="Problem")


@_attrs_define
class Problem:
    """RFC 9457 problem details, as every API error is answered.

    Attributes:
        type_ (str):
        title (str):
        status (int):
        detail (str):
        required_scope (str | Unset): Missing scope (403)
        retry_after_seconds (int | Unset): 429 only
        errors (ProblemErrors | Unset): Field errors (400): each field's messages
        violated_policies (list[str] | Unset): Exceeded windows (429)
    """

    type_: str
    title: str
    status: int
    detail: str
    required_scope: str | Unset = UNSET
    retry_after_seconds: int | Unset = UNSET
    errors: ProblemErrors | Unset = UNSET
    violated_policies: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        title = self.title

        status = self.status

        detail = self.detail

        required_scope = self.required_scope

        retry_after_seconds = self.retry_after_seconds

        errors: dict[str, Any] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = self.errors.to_dict()

        violated_policies: list[str] | Unset = UNSET
        if not isinstance(self.violated_policies, Unset):
            violated_policies = self.violated_policies

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "title": title,
                "status": status,
                "detail": detail,
            }
        )
        if required_scope is not UNSET:
            field_dict["required_scope"] = required_scope
        if retry_after_seconds is not UNSET:
            field_dict["retry_after_seconds"] = retry_after_seconds
        if errors is not UNSET:
            field_dict["errors"] = errors
        if violated_policies is not UNSET:
            field_dict["violated-policies"] = violated_policies

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.problem_errors import ProblemErrors  # noqa: PLC0415

        d = dict(src_dict)
        type_ = d.pop("type")

        title = d.pop("title")

        status = d.pop("status")

        detail = d.pop("detail")

        required_scope = d.pop("required_scope", UNSET)

        retry_after_seconds = d.pop("retry_after_seconds", UNSET)

        _errors = d.pop("errors", UNSET)
        errors: ProblemErrors | Unset
        if isinstance(_errors, Unset):
            errors = UNSET
        else:
            errors = ProblemErrors.from_dict(_errors)

        violated_policies = cast(list[str], d.pop("violated-policies", UNSET))

        problem = cls(
            type_=type_,
            title=title,
            status=status,
            detail=detail,
            required_scope=required_scope,
            retry_after_seconds=retry_after_seconds,
            errors=errors,
            violated_policies=violated_policies,
        )

        problem.additional_properties = d
        return problem

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
