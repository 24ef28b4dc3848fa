"""The crew mapping form: each member of the organisation beside the ledger's employees
and vendors, as last fetched (building it never calls the provider)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from accounting.engine.adapter import RemoteChoice
from tenancy.models import User

NOT_MAPPED = ""


def field_of(user_id: int) -> str:
    return f"user_{user_id}"


def value_of(kind: str, code: str) -> str:
    return f"{kind}:{code}"


class CrewMappingForm(forms.Form):
    def __init__(
        self,
        members: Sequence[User],
        people: Sequence[RemoteChoice],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.members = list(members)
        self.people = {value_of(p.kind, p.code): p for p in people}
        choices = [(NOT_MAPPED, "Not mapped")] + [
            (value, f"{person.name} ({person.kind})") for value, person in self.people.items()
        ]
        for user in self.members:
            self.fields[field_of(user.pk)] = forms.ChoiceField(
                label=f"{user.display_name}", choices=choices, required=False
            )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        taken: dict[str, User] = {}
        for user in self.members:
            value = data.get(field_of(user.pk)) or NOT_MAPPED
            if value == NOT_MAPPED:
                continue
            if value in taken:
                name = self.people[value].name
                self.add_error(
                    field_of(user.pk), f"{name} is already chosen for {taken[value].display_name}."
                )
            taken[value] = user
        return data

    def chosen(self) -> dict[int, RemoteChoice | None]:
        """User id -> the person chosen for them, or None to leave them unmapped."""
        return {
            user.pk: self.people.get(self.cleaned_data.get(field_of(user.pk)) or NOT_MAPPED)
            for user in self.members
        }
