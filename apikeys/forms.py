from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from apikeys.models import ApiKey
from apikeys.scopes import MODULE_LABELS, Level, Module, Preset, Scopes, preset


def _module_field(module: Module) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=MODULE_LABELS[module], choices=Level.choices, initial=Level.READ, required=False
    )


class KeyForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What uses it, e.g. “Warehouse dashboard”")
    description = forms.CharField(
        max_length=500, required=False, widget=forms.Textarea({"rows": 2})
    )
    access = forms.ChoiceField(
        choices=Preset.choices, initial=Preset.READ_ONLY, widget=forms.RadioSelect
    )
    expires_at = forms.DateTimeField(
        label="Expires",
        required=False,
        help_text="Optional; in your organisation's time zone. Leave empty for no expiry.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for module in Module:
            self.fields[f"scope_{module.value}"] = _module_field(module)

    def module_fields(self) -> list[forms.BoundField]:
        return [self[f"scope_{module.value}"] for module in Module]

    def clean_expires_at(self) -> datetime | None:
        expires: datetime | None = self.cleaned_data["expires_at"]
        if expires is not None and expires <= timezone.now():
            raise forms.ValidationError("Choose a moment in the future.")
        return expires

    def scopes(self) -> Scopes:
        choice = self.cleaned_data["access"]
        if choice != Preset.CUSTOM:
            return preset(choice)
        return {m.value: self.cleaned_data[f"scope_{m.value}"] or Level.NONE for m in Module}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("access") == Preset.CUSTOM and not any(
            (data.get(f"scope_{m.value}") or Level.NONE) != Level.NONE for m in Module
        ):
            raise forms.ValidationError("Grant at least one module, or choose a preset.")
        return data


class LimitsForm(forms.Form):
    tier = forms.ChoiceField(choices=ApiKey.Tier.choices, widget=forms.RadioSelect)
    minute_limit = forms.IntegerField(
        label="Requests per minute", min_value=1, max_value=100_000, required=False
    )
    hour_limit = forms.IntegerField(
        label="Requests per hour", min_value=1, max_value=5_000_000, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("tier") == ApiKey.Tier.ELEVATED:
            for name in ("minute_limit", "hour_limit"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, "Set this limit for the elevated tier.")
        return data
