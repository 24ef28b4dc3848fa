"""The console's forms: fault injection and the provider-side actions."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from sandbox.xero import faults
from sandbox.xero.models import XeroConnection, XeroFault, XeroGrant


class FaultForm(forms.Form):
    target = forms.ChoiceField(choices=XeroFault.Target.choices, label="Where")
    mode = forms.ChoiceField(choices=XeroFault.Mode.choices, label="Behaviour")
    delay_seconds = forms.FloatField(
        label="Delay in seconds (for Slow, Commit then fail and Flaky)",
        required=False,
        min_value=0,
        max_value=faults.MAX_DELAY_SECONDS,
    )
    minutes = forms.FloatField(
        label="Ends by itself after (minutes)",
        required=False,
        min_value=0.01,
        help_text="Leave empty to keep the fault until it is cleared.",
    )
    fail_ratio = forms.FloatField(
        label="Share of calls that fail (for Flaky, 0 to 1)",
        required=False,
        min_value=0,
        max_value=1,
    )
    seed = forms.IntegerField(
        label="Seed (for Flaky, makes the failures repeatable)",
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("mode") == XeroFault.Mode.SLOW and not cleaned.get("delay_seconds"):
            self.add_error("delay_seconds", "Give a delay for a slow endpoint.")
        if cleaned.get("mode") == XeroFault.Mode.FLAKY and not cleaned.get("fail_ratio"):
            self.add_error("fail_ratio", "Give the share of calls that should fail.")
        return cleaned

    def apply(self) -> XeroFault:
        data = self.cleaned_data
        return faults.set_fault(
            data["target"],
            data["mode"],
            delay_seconds=data.get("delay_seconds") or 0.0,
            minutes=data.get("minutes"),
            fail_ratio=data.get("fail_ratio") or 0.0,
            seed=data.get("seed"),
        )


class GrantForm(forms.Form):
    grant = forms.ModelChoiceField(queryset=XeroGrant.objects.select_related("user"))

    def chosen(self) -> XeroGrant:
        return cast(XeroGrant, self.cleaned_data["grant"])


class ConnectionForm(forms.Form):
    connection = forms.ModelChoiceField(
        queryset=XeroConnection.objects.select_related("organisation", "grant__user")
    )

    def chosen(self) -> XeroConnection:
        return cast(XeroConnection, self.cleaned_data["connection"])
