"""The sign-in and consent screens' forms."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from sandbox.xero.models import XeroOrganisation, XeroUser
from sandbox.xero.seed import SANDBOX_USER


class SignInForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=XeroUser.objects.all(),
        to_field_name="email",
        label="Sandbox user",
        required=False,
        empty_label="Choose a sandbox user",
    )
    email = forms.EmailField(
        label="Or type an email address",
        required=False,
        help_text="Typed addresses win over the list.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].initial = SANDBOX_USER

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email = cleaned.get("email")
        if email:
            cleaned["user"] = XeroUser.objects.filter(email__iexact=email).first()
            if cleaned["user"] is None:
                self.add_error("email", "No sandbox user has this email address.")
        elif not self.has_error("email") and cleaned.get("user") is None:
            self.add_error("user", "Choose a sandbox user or type an email address.")
        return cleaned

    def signed_in_user(self) -> XeroUser:
        return cast(XeroUser, self.cleaned_data["user"])


class ConsentForm(forms.Form):
    organisations = forms.ModelMultipleChoiceField(
        queryset=XeroOrganisation.objects.none(),
        to_field_name="tenant_id",
        widget=forms.CheckboxSelectMultiple,
        label="Organisations",
        error_messages={"required": "Choose at least one organisation to connect."},
    )

    def __init__(self, user: XeroUser, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(
            "forms.ModelMultipleChoiceField[XeroOrganisation]", self.fields["organisations"]
        )
        field.queryset = user.organisations.order_by("name")

    def chosen(self) -> list[XeroOrganisation]:
        return list(self.cleaned_data["organisations"])
