"""The sign-in page's form."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from sandbox.sage.models import SageUser
from sandbox.sage.seed import SANDBOX_USER


class SignInForm(forms.Form):
    user = forms.ModelChoiceField(
        queryset=SageUser.objects.all(),
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
            cleaned["user"] = SageUser.objects.filter(email__iexact=email).first()
            if cleaned["user"] is None:
                self.add_error("email", "No sandbox user has this email address.")
        elif not self.has_error("email") and cleaned.get("user") is None:
            self.add_error("user", "Choose a sandbox user or type an email address.")
        return cleaned

    def signed_in_user(self) -> SageUser:
        return cast(SageUser, self.cleaned_data["user"])
