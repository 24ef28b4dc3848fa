"""Assigning crew to a project, with a warning when the assignment runs over time the
person marked busy in their own calendar (the scheduler may assign anyway)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms

from calendars.models import BusyBlock
from operations.models import CrewAssignment, Project
from tenancy.models import Membership, Organisation, User

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
OPEN_PROJECTS = (
    Project.Status.ENQUIRY,
    Project.Status.CONFIRMED,
    Project.Status.IN_PROGRESS,
)


class PersonChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class AssignForm(forms.Form):
    project = forms.ModelChoiceField(queryset=Project.objects.none(), label="Project")
    person = PersonChoice(queryset=User.objects.none(), label="Crew member")
    role = forms.CharField(max_length=120, label="Role", help_text="e.g. Rigger, Sound engineer")
    starts_at = forms.DateTimeField(label="Starts", widget=DATETIME_INPUT)
    ends_at = forms.DateTimeField(label="Ends", widget=DATETIME_INPUT)
    # Set by the "Assign anyway" button once the scheduler has seen the clashes.
    over_busy_time = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        projects = Project.objects.filter(organisation=organisation, status__in=OPEN_PROJECTS)
        self.fields["project"].queryset = projects.order_by("starts_at")  # type: ignore[attr-defined]
        members = Membership.objects.filter(organisation=organisation).values("user_id")
        people = User.objects.filter(pk__in=members).order_by("full_name", "email")
        self.fields["person"].queryset = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if isinstance(starts, datetime) and isinstance(ends, datetime) and ends <= starts:
            self.add_error("ends_at", "The assignment must end after it starts.")
        return data

    def clashes(self) -> list[BusyBlock]:
        """The person's busy time the assignment would run over."""
        data = self.cleaned_data
        return list(
            BusyBlock.objects.filter(
                organisation=self.organisation,
                user=data["person"],
                starts_at__lt=data["ends_at"],
                ends_at__gt=data["starts_at"],
            ).order_by("starts_at")
        )

    def save(self) -> CrewAssignment:
        data = self.cleaned_data
        return CrewAssignment.objects.create(
            organisation=self.organisation,
            project=data["project"],
            user=data["person"],
            role=data["role"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
        )
