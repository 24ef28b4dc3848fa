"""The console's forms: fault injection and the provider-side actions."""

from __future__ import annotations

from typing import cast

from django import forms

from sandbox.xero import faults
from sandbox.xero.models import XeroConnection, XeroGrant

FaultForm = faults.FaultForm


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
