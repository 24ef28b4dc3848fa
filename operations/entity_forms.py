"""Forms of the legal entities page: names are unique within an organisation (as the
database constraint says, but answered beside the field instead of as a server error)."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from operations.currencies import validate_currency
from operations.models import LegalEntity
from tenancy.models import Organisation

CURRENCY_CODE = re.compile(r"[A-Z]{3}")


class LegalEntityNameForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200, strip=True)

    def __init__(
        self,
        organisation: Organisation,
        *args: Any,
        entity: LegalEntity | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.entity = entity

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("Enter a name.")
        taken = LegalEntity.objects.for_organisation(self.organisation).filter(name__iexact=name)
        if self.entity is not None:
            taken = taken.exclude(pk=self.entity.pk)
        if taken.exists():
            raise forms.ValidationError(f"This organisation already has an entity called {name}.")
        return name


class LegalEntityForm(LegalEntityNameForm):
    """A new entity: its name and the currency its books are kept in."""

    base_currency = forms.CharField(
        label="Base currency",
        max_length=3,
        strip=True,
        help_text="The three-letter ISO 4217 code of its books, e.g. GBP or USD.",
    )

    def clean_base_currency(self) -> str:
        code = str(self.cleaned_data["base_currency"]).upper()
        if not CURRENCY_CODE.fullmatch(code):
            raise forms.ValidationError("Enter a three-letter currency code, e.g. GBP or USD.")
        validate_currency(code)
        return code
