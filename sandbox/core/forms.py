"""The sign-in page's form: pick a sandbox user, or type one's email address."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from sandbox.core.models import SandboxUser


class SignInForm(forms.Form):
    user: forms.ModelChoiceField[SandboxUser] = forms.ModelChoiceField(
        queryset=None,
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

    def __init__(
        self, user_model: type[SandboxUser], default_email: str, *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.users = user_model._default_manager.all()
        field = cast("forms.ModelChoiceField[SandboxUser]", self.fields["user"])
        field.queryset = self.users
        field.initial = default_email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email = cleaned.get("email")
        if email:
            cleaned["user"] = self.users.filter(email__iexact=email).first()
            if cleaned["user"] is None:
                self.add_error("email", "No sandbox user has this email address.")
        elif not self.has_error("email") and cleaned.get("user") is None:
            self.add_error("user", "Choose a sandbox user or type an email address.")
        return cleaned

    def signed_in_user(self) -> SandboxUser:
        return cast(SandboxUser, self.cleaned_data["user"])
