from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from tenancy.models import Membership, User
from tenancy.params import IdChoiceField


class EmailAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, labelled for e-mail; its error never says which part was wrong."""

    username = forms.EmailField(
        label="Email",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class SwitchOrganisationForm(forms.Form):
    organisation: IdChoiceField[Membership] = IdChoiceField(
        queryset=Membership.objects.none(), to_field_name="organisation_id"
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["organisation"])  # type: ignore[type-arg]
        field.queryset = Membership.objects.filter(user=user).select_related("organisation")
        field.error_messages["invalid_choice"] = "You are not a member of that organisation."


class ProfileForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["full_name"]
        labels = {"full_name": "Full name"}
