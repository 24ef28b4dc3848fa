from __future__ import annotations

from django import forms

from calendars.choices import Detail, Frequency, Scope, Target, allowed
from calendars.models import CALENDAR_PLATFORMS, CalendarPolicy, CalendarPreference
from calendars.registry import ENTRIES
from calendars.targets import NEW_CALENDAR

PLATFORM_NAMES = {entry.slug: entry.name for entry in ENTRIES}


class ICloudAccountForm(forms.Form):
    apple_id = forms.EmailField(label="Apple ID", max_length=254)
    app_password = forms.CharField(
        label="App-specific password",
        max_length=64,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=(
            "Not your Apple ID password: create one for Patchbay at account.apple.com, "
            "Sign-In and Security, App-Specific Passwords (it looks like abcd-efgh-ijkl-mnop)."
        ),
    )

    def clean_app_password(self) -> str:
        value: str = self.cleaned_data["app_password"]
        letters = value.replace("-", "")
        if len(letters) != 16 or not letters.isalpha():
            raise forms.ValidationError(
                "An app-specific password is 16 letters, shown as four groups of four "
                "(abcd-efgh-ijkl-mnop). Create one at account.apple.com."
            )
        return value.lower()


class TargetForm(forms.Form):
    """Which calendar receives Patchbay's events: one of the account's, or a new one."""

    calendar = forms.ChoiceField(label="Put Patchbay's events in", widget=forms.RadioSelect)

    def __init__(self, *args: object, calendars: list[dict[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        choices = [(NEW_CALENDAR, "A new calendar called Patchbay (recommended)")]
        choices += [(row["remote_id"], row["name"] or row["remote_id"]) for row in calendars]
        field = self.fields["calendar"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = choices


class PolicyForm(forms.ModelForm[CalendarPolicy]):
    platforms = forms.MultipleChoiceField(
        label="Calendars crew may connect",
        choices=[(slug, PLATFORM_NAMES[slug]) for slug in CALENDAR_PLATFORMS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    scope = forms.ChoiceField(label="What goes in crew calendars", choices=Scope.choices)
    detail = forms.ChoiceField(label="How much each event says", choices=Detail.choices)
    frequency = forms.ChoiceField(
        label="How soon changes reach calendars", choices=Frequency.choices
    )
    target = forms.ChoiceField(label="Suggested calendar", choices=Target.choices)

    class Meta:
        model = CalendarPolicy
        fields = ["platforms", "scope", "detail", "frequency", "target"]


class PreferenceForm(forms.ModelForm[CalendarPreference]):
    """A user's narrowing of the defaults: only the choices within them are offered."""

    scope = forms.ChoiceField(label="What goes in my calendar", required=False)
    detail = forms.ChoiceField(label="How much each event says", required=False)
    frequency = forms.ChoiceField(label="How soon changes reach my calendar", required=False)

    class Meta:
        model = CalendarPreference
        fields = ["scope", "detail", "frequency"]

    def __init__(self, *args: object, policy: CalendarPolicy, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, choices in (("scope", Scope), ("detail", Detail), ("frequency", Frequency)):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
            default = dict(choices.choices)[getattr(policy, name)]
            field.choices = [("", f"As the organisation says ({default})")]
            field.choices += allowed(choices, getattr(policy, name))
