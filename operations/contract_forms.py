"""Forms of the recurring contract pages. Related rows are limited to one organisation."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.forms.formsets import DELETION_FIELD_NAME

from operations.contracts import SCHEDULE_FIELDS
from operations.forms import BaseLineFormSet, LineForm, _date_input, _limit, _of
from operations.models import Customer, RecurringContract
from operations.services import LineInput
from tenancy.models import Organisation

MAX_LINES = 50


class ContractForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="What is on hire, e.g. Warehouse PA system")
    customer = forms.ModelChoiceField(queryset=Customer.objects.none())
    period = forms.ChoiceField(choices=RecurringContract.Period.choices)
    starts_on = forms.DateField(label="Start date", widget=_date_input())
    ends_on = forms.DateField(
        label="Last day",
        required=False,
        widget=_date_input(),
        help_text="Leave blank for an open-ended hire.",
    )
    billing_day = forms.IntegerField(
        min_value=1,
        max_value=28,
        initial=1,
        help_text="Day of the month each monthly or quarterly period starts (1 to 28).",
    )
    billing = forms.ChoiceField(
        label="Invoice", choices=RecurringContract.Billing.choices, initial="advance"
    )
    payment_days = forms.IntegerField(
        label="Payment terms (days)", min_value=0, max_value=365, initial=14
    )

    def __init__(
        self, organisation: Organisation, *args: Any, schedule_fixed: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "customer", _of(organisation, Customer))
        if schedule_fixed:
            # Invoiced periods must keep meaning what they meant: shown, not changeable.
            for name in SCHEDULE_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = "Fixed once a period has been invoiced."

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        starts: date | None = self.cleaned_data.get("starts_on")
        ends: date | None = self.cleaned_data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The last day cannot be before the start date.")
        return cleaned


class ContractLineForm(LineForm):
    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, organisation=organisation, **kwargs)
        self.fields["unit_price"].label = "Rate per period"
        self.fields["unit_price"].help_text = "Before tax; part-periods are prorated by days."


class BaseContractLineFormSet(BaseLineFormSet):
    default_error_messages = {
        **BaseLineFormSet.default_error_messages,
        "too_many_forms": "A contract can have at most %(num)d lines.",
    }

    def kept(self) -> list[LineForm]:
        """Saved lines not marked for removal, and spare rows someone filled in."""
        initial = self.initial_form_count()
        return [
            form
            for index, form in enumerate(self.forms)
            if not _removed(form) and (index < initial or form.has_changed())
        ]

    def clean(self) -> None:
        forms.BaseFormSet.clean(self)  # the invoice formset's total check counts removed rows
        kept = self.kept()
        if not kept:
            raise forms.ValidationError("Keep or fill in at least one line.", code="no_lines")
        self.check_total(kept)

    def lines(self) -> list[LineInput]:
        return [form.to_line() for form in self.kept()]


def _removed(form: forms.Form) -> bool:
    return bool(getattr(form, "cleaned_data", {}).get(DELETION_FIELD_NAME))


ContractLineFormSet = forms.formset_factory(
    ContractLineForm,
    formset=BaseContractLineFormSet,
    extra=2,
    min_num=1,
    validate_min=True,
    max_num=MAX_LINES,
    validate_max=True,
    absolute_max=MAX_LINES,
    can_delete=True,
    can_delete_extra=False,
)


def line_initial(contract: RecurringContract) -> list[dict[str, Any]]:
    return [
        {
            "description": line.description,
            "item": line.item_id,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "tax_category": line.tax_category_id,
            "income_category": line.income_category_id,
        }
        for line in contract.lines.all()
    ]


class EndForm(forms.Form):
    last_day = forms.DateField(label="Last day of the hire", widget=_date_input())
