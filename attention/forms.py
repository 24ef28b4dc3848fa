"""The preferences form: per kind, immediately / daily digest / off; the weekly summary
on or off. Owners may not turn off the security-relevant kinds."""

from __future__ import annotations

from typing import Any

from django import forms

from attention.kinds import Choice, Kind, is_security, kinds_for
from tenancy.models import Membership
from tenancy.roles import ROLE_CAPABILITIES, Capability, Role


class PreferencesForm(forms.Form):
    def __init__(self, membership: Membership, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.membership = membership
        granted = ROLE_CAPABILITIES.get(membership.role, frozenset())
        self.kinds = kinds_for(granted)
        for kind in self.kinds:
            self.fields[kind] = forms.ChoiceField(
                label=Kind(kind).label,
                choices=Choice.choices,
                widget=forms.RadioSelect,
                help_text="Security: owners cannot turn this off." if is_security(kind) else "",
            )
        self.weekly = Capability.RESOLVE_CONFLICTS in granted
        if self.weekly:
            self.fields["weekly_summary"] = forms.BooleanField(
                label="Weekly accounting summary (what synced, failed and waits for review)",
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.membership.role != Role.OWNER:
            return cleaned
        for kind in self.kinds:
            if is_security(kind) and cleaned.get(kind) == Choice.OFF:
                self.add_error(
                    kind,
                    f"“{Kind(kind).label}” is about security, so an owner cannot turn it off. "
                    "Choose immediately or the daily digest.",
                )
        return cleaned
