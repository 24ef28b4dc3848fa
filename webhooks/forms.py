from __future__ import annotations

from typing import Any, cast

from django import forms

from tenancy.models import Organisation
from tenancy.params import IdField
from webhooks.addresses import UnsafeUrl
from webhooks.catalog import CHOICES
from webhooks.models import Delivery, Endpoint
from webhooks.services import allowed_urls, check_url

OVERLAPS = [(0, "None: the old secret stops now"), (1, "1 hour"), (24, "24 hours"), (168, "7 days")]


class EndpointForm(forms.Form):
    url = forms.CharField(
        label="URL",
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://hooks.example.com/patchbay"}),
    )
    description = forms.CharField(max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        label="Events", choices=CHOICES, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Said from the setting the check uses, so the help never promises more or less.
        self.fields["url"].help_text = allowed_urls()

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"].strip()
        try:
            check_url(url)  # resolved now; checked again before every delivery
        except UnsafeUrl as refused:
            raise forms.ValidationError(refused.message) from None
        return url


class EndpointEditForm(EndpointForm):
    enabled = forms.BooleanField(required=False, help_text="A disabled endpoint gets nothing.")


class RotateForm(forms.Form):
    overlap_hours = forms.TypedChoiceField(
        label="Keep signing with the old secret for",
        choices=OVERLAPS,
        coerce=int,
        initial=24,
        help_text="Both signatures are sent until then, so receivers can switch without a gap.",
    )


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Delivery.Status.choices], required=False
    )
    endpoint = forms.ModelChoiceField(
        queryset=Endpoint.objects.none(), required=False, empty_label="Any endpoint"
    )
    event = forms.CharField(label="Event type", max_length=60, required=False)
    before = IdField(label="Older than delivery")  # the keyset cursor of "Older"

    def __init__(self, organisation: Organisation, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Endpoint]", self.fields["endpoint"])
        field.queryset = Endpoint.objects.for_organisation(organisation).defer(
            "secret", "previous_secret"
        )

    def chosen(self) -> dict[str, Any]:
        """The valid filters; an invalid one filters nothing (its error is shown)."""
        if self.is_valid():
            return {k: v for k, v in self.cleaned_data.items() if v}
        return {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v}
