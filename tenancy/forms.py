from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from tenancy.models import Membership, User
from tenancy.params import IdChoiceField

# Longest sign-in name accepted: Django's sign-in forms put max_length on the widget
# only, and django-axes records every failed name in a 255-character column, so a
# longer one was a database error (a 500) instead of a failed sign-in.
LONGEST_USERNAME = 254


class EmailAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, labelled for e-mail; its error never says which part was wrong."""

    username = forms.EmailField(
        label="Email",
        max_length=LONGEST_USERNAME,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class AdminSignInForm(AdminAuthenticationForm):
    """The admin's sign-in form with the sign-in name bounded like the site's."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].validators.append(MaxLengthValidator(LONGEST_USERNAME))


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
