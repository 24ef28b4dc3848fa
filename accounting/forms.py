"""The account mappings form, built from the provider's live chart of accounts."""

from __future__ import annotations

from typing import Any

from django import forms

from accounting.engine.adapter import RemoteChoice
from accounting.models import AccountMapping
from operations.models import IncomeCategory, TaxCategory
from tenancy.models import Organisation

Kind = AccountMapping.Kind


def field_name(kind: str, local_id: int) -> str:
    return f"{kind}-{local_id}"


def _choices(options: list[RemoteChoice]) -> list[tuple[str, str]]:
    return [("", "Choose…")] + [
        (o.code, f"{o.code} · {o.name}" if o.kind else o.name) for o in options
    ]


class MappingForm(forms.Form):
    def __init__(
        self,
        organisation: Organisation,
        accounts: list[RemoteChoice],
        tax_rates: list[RemoteChoice],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.names = {option.code: option.name for option in [*accounts, *tax_rates]}
        revenue = _choices(
            [a for a in accounts if a.kind in ("REVENUE", "SALES", "OTHERINCOME", "")]
        )
        for category in IncomeCategory.objects.for_organisation(organisation):
            self.fields[field_name(Kind.INCOME, category.pk)] = forms.ChoiceField(
                label=f"Income: {category.name}", choices=revenue
            )
        for tax in TaxCategory.objects.for_organisation(organisation):
            self.fields[field_name(Kind.TAX, tax.pk)] = forms.ChoiceField(
                label=f"Tax: {tax}", choices=_choices(tax_rates)
            )
        self.fields[field_name(Kind.PAYMENT_ACCOUNT, 0)] = forms.ChoiceField(
            label="Payments are recorded against",
            choices=_choices([a for a in accounts if a.accepts_payments]),
        )

    def mappings(self) -> list[tuple[str, int, str, str]]:
        """(kind, local id, remote code, remote name) for every field."""
        rows = []
        for name, code in self.cleaned_data.items():
            kind, local_id = name.rsplit("-", 1)
            rows.append((kind, int(local_id), code, self.names.get(code, "")))
        return rows
