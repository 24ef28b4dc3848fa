"""Forms of the invoice pages. Every choice of a related row is limited to one organisation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from operations.models import (
    MONEY,
    Customer,
    EquipmentItem,
    IncomeCategory,
    Invoice,
    Project,
    TaxCategory,
    TimestampedTenantModel,
)
from operations.services import LineInput
from tenancy.models import Organisation

ALL_STATUSES = ""
MAX_LINES = 50


def _date_input() -> forms.DateInput:
    # The browser's date picker sends and expects ISO dates whatever the locale.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _of(organisation: Organisation, model: type[TimestampedTenantModel]) -> QuerySet[Any]:
    queryset: QuerySet[Any] = model._default_manager.filter(organisation=organisation)
    return queryset


def _limit(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field = cast(forms.ModelChoiceField[Any], form.fields[name])
    field.queryset = queryset


class InvoiceFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(ALL_STATUSES, "All statuses"), *Invoice.Status.choices], required=False
    )

    def chosen_status(self) -> str:
        """The status to filter by; an unknown one filters nothing (its error is shown)."""
        if self.is_valid():
            status: str = self.cleaned_data["status"]
            return status
        return ALL_STATUSES


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        max_digits=MONEY["max_digits"],
        decimal_places=MONEY["decimal_places"],
        min_value=Decimal("0.01"),
    )
    paid_on = forms.DateField(label="Date received", widget=_date_input())
    reference = forms.CharField(
        max_length=120, required=False, help_text="e.g. the bank transfer reference"
    )

    def __init__(self, invoice: Invoice, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invoice = invoice
        self.fields["amount"].help_text = f"Still due: {invoice.amount_due:,.2f} {invoice.currency}"

    def clean_amount(self) -> Decimal:
        amount: Decimal = self.cleaned_data["amount"]
        if amount > self.invoice.amount_due:
            raise forms.ValidationError(
                "The amount cannot be more than the %(due)s %(currency)s still due.",
                params={
                    "due": f"{self.invoice.amount_due:,.2f}",
                    "currency": self.invoice.currency,
                },
                code="over_payment",
            )
        return amount


class DraftInvoiceForm(forms.Form):
    customer = forms.ModelChoiceField(queryset=Customer.objects.none())
    project = forms.ModelChoiceField(queryset=Project.objects.none(), required=False)
    issue_date = forms.DateField(widget=_date_input())
    due_date = forms.DateField(widget=_date_input())

    def __init__(self, organisation: Organisation, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "customer", _of(organisation, Customer))
        _limit(self, "project", _of(organisation, Project))

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        issue: date | None = self.cleaned_data.get("issue_date")
        due: date | None = self.cleaned_data.get("due_date")
        if issue and due and due < issue:
            self.add_error("due_date", "The due date cannot be before the issue date.")
        return cleaned


class LineForm(forms.Form):
    description = forms.CharField(max_length=300, required=False)
    item = forms.ModelChoiceField(queryset=EquipmentItem.objects.none(), required=False)
    quantity = forms.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0.01"), initial=Decimal("1")
    )
    unit_price = forms.DecimalField(
        max_digits=MONEY["max_digits"], decimal_places=MONEY["decimal_places"], min_value=0
    )
    tax_category = forms.ModelChoiceField(queryset=TaxCategory.objects.none(), label="Tax")
    income_category = forms.ModelChoiceField(
        queryset=IncomeCategory.objects.none(), label="Income category"
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, model in (
            ("item", EquipmentItem),
            ("tax_category", TaxCategory),
            ("income_category", IncomeCategory),
        ):
            _limit(self, name, _of(organisation, model))

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if not (self.cleaned_data.get("description") or self.cleaned_data.get("item")):
            self.add_error("description", "Describe the line or choose an item.")
        return cleaned

    def to_line(self) -> LineInput:
        data = self.cleaned_data
        return LineInput(
            description=data["description"],
            item=data["item"],
            quantity=data["quantity"],
            unit_price=data["unit_price"],
            tax_category=data["tax_category"],
            income_category=data["income_category"],
        )


def filled_lines(formset: forms.BaseFormSet[LineForm]) -> list[LineInput]:
    # Blank spare rows are left out; min_num already demanded one filled row.
    return [form.to_line() for form in formset.forms if form.has_changed()]


class BaseLineFormSet(forms.BaseFormSet[LineForm]):
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_few_forms": "Fill in at least one line.",
        "too_many_forms": "An invoice can have at most %(num)d lines.",
    }


LineFormSet = forms.formset_factory(
    LineForm,
    formset=BaseLineFormSet,
    extra=2,
    min_num=1,
    validate_min=True,
    max_num=MAX_LINES,
    validate_max=True,
    # Without absolute_max a forged TOTAL_FORMS builds and renders 1,000 forms.
    absolute_max=MAX_LINES,
)
