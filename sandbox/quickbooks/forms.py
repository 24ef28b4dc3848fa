"""The sign-in and company-picker forms."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from sandbox.quickbooks.models import QboCompany, QboUser
from sandbox.quickbooks.seed import SANDBOX_USER


class SignInForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=QboUser.objects.all(),
        to_field_name="email",
        label="Sandbox user",
        empty_label="Choose a sandbox user",
        error_messages={"required": "Choose a sandbox user."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].initial = SANDBOX_USER

    def signed_in_user(self) -> QboUser:
        return cast(QboUser, self.cleaned_data["user"])


class CompanyForm(forms.Form):
    company = forms.ModelChoiceField(
        queryset=QboCompany.objects.none(),
        to_field_name="realm_id",
        widget=forms.RadioSelect,
        label="Company",
        empty_label=None,
        error_messages={"required": "Choose the company to connect."},
    )

    def __init__(self, user: QboUser, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[QboCompany]", self.fields["company"])
        field.queryset = user.companies.order_by("name")

    def chosen(self) -> QboCompany:
        return cast(QboCompany, self.cleaned_data["company"])
