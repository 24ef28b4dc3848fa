"""The settings page's forms. Every choice is drawn from the organisation's own rows,
so an id from another organisation, or an internal category, is an invalid choice."""

from __future__ import annotations

from typing import Any

from django import forms

from operations.models import EquipmentCategory, EquipmentItem
from tenancy.models import Organisation
from wordpress_bridge.models import AllowedOrigin, WebsiteSettings
from wordpress_bridge.origins import InvalidOrigin, normalise_entry


class AllowedOriginForm(forms.Form):
    origin = forms.CharField(
        label="Domain",
        max_length=300,
        help_text="e.g. https://www.example.com, or *.example.com for every subdomain.",
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_origin(self) -> str:
        try:
            origin = normalise_entry(self.cleaned_data["origin"])
        except InvalidOrigin as error:
            raise forms.ValidationError(str(error)) from error
        taken = AllowedOrigin.objects.for_organisation(self.organisation).filter(origin=origin)
        if taken.exists():
            raise forms.ValidationError(f"{origin} is already allowed.")
        return origin


class ShownCategoriesForm(forms.Form):
    categories = forms.ModelMultipleChoiceField(
        queryset=EquipmentCategory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": (
                "Category %(value)s can't be shown on the website: it is internal, or not "
                "one of yours."
            ),
            "invalid_pk_value": "“%(pk)s” is not a category.",
        },
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["categories"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - for mypy
        field.queryset = EquipmentCategory.objects.for_organisation(organisation).filter(
            visibility=EquipmentCategory.Visibility.PUBLIC
        )


class HiddenItemsForm(forms.Form):
    hidden = forms.ModelMultipleChoiceField(
        queryset=EquipmentItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Item %(value)s is not in this category.",
            "invalid_pk_value": "“%(pk)s” is not an item.",
        },
    )

    def __init__(self, *args: Any, category: EquipmentCategory, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["hidden"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - for mypy
        field.queryset = EquipmentItem.objects.filter(
            organisation_id=category.organisation_id, category=category
        )


class DisplayModeForm(forms.Form):
    display_mode = forms.ChoiceField(
        label="Show availability as",
        choices=WebsiteSettings.DisplayMode.choices,
        widget=forms.RadioSelect,
    )
