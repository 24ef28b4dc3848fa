"""The form a crew member records their hours with: hours, or a start and an end time."""

from __future__ import annotations

from typing import Any

from django import forms

from operations import timesheets
from operations.forms import FiniteDecimalField
from operations.models import Project
from operations.services import OperationError
from tenancy.models import Organisation, User


class TimesheetForm(forms.Form):
    project = forms.ModelChoiceField(queryset=Project.objects.none())
    worked_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    hours = FiniteDecimalField(
        required=False,
        max_digits=4,
        decimal_places=2,
        min_value=timesheets.HOUR_PLACES,
        max_value=timesheets.MAX_HOURS,
        help_text="Or leave empty and give a start and an end time.",
    )
    starts_at = forms.TimeField(
        label="Start time", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    ends_at = forms.TimeField(
        label="End time", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    billable = forms.BooleanField(
        required=False, initial=True, help_text="Billed to the project's client"
    )
    notes = forms.CharField(
        max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, organisation: Organisation, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        projects = timesheets.assigned_projects(organisation, user).order_by("-starts_at")
        self.fields["project"].queryset = projects  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            data["hours"] = timesheets.worked_hours(self.entry(data))
        except OperationError as error:
            self.add_error(error.field if error.field in self.fields else None, error.message)
        return data

    def entry(self, data: dict[str, Any] | None = None) -> timesheets.TimeInput:
        data = self.cleaned_data if data is None else data
        return timesheets.TimeInput(
            project=data["project"],
            worked_on=data["worked_on"],
            hours=data.get("hours"),
            starts_at=data.get("starts_at"),
            ends_at=data.get("ends_at"),
            billable=bool(data.get("billable")),
            notes=data.get("notes") or "",
        )
