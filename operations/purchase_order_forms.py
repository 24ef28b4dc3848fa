"""Forms of the purchase order pages; every related choice is limited to one organisation."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from operations import money
from operations.forms import (
    BaseLinesFormSet,
    _amount_field,
    _date_input,
    _limit,
    _of,
    _quantity_field,
)
from operations.models import (
    Booking,
    Customer,
    EquipmentItem,
    ExpenseCategory,
    Project,
    TaxCategory,
)
from operations.purchasing import OrderLine
from tenancy.models import Organisation

MAX_LINES = 50


class PurchaseOrderForm(forms.Form):
    supplier = forms.ModelChoiceField(queryset=Customer.objects.none())
    project = forms.ModelChoiceField(queryset=Project.objects.none(), required=False)
    booking = forms.ModelChoiceField(queryset=Booking.objects.none(), required=False)
    order_date = forms.DateField(widget=_date_input())
    delivery_date = forms.DateField(widget=_date_input(), required=False)
    notes = forms.CharField(max_length=300, required=False)

    def __init__(self, organisation: Organisation, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "supplier", _of(organisation, Customer).filter(is_supplier=True))
        _limit(self, "project", _of(organisation, Project))
        _limit(self, "booking", _of(organisation, Booking).select_related("item"))

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        ordered: date | None = self.cleaned_data.get("order_date")
        delivery: date | None = self.cleaned_data.get("delivery_date")
        if ordered and delivery and delivery < ordered:
            self.add_error("delivery_date", "The delivery date cannot be before the order date.")
        return cleaned


class OrderLineForm(forms.Form):
    description = forms.CharField(max_length=300, required=False)
    item = forms.ModelChoiceField(queryset=EquipmentItem.objects.none(), required=False)
    quantity = _quantity_field()
    unit_cost = _amount_field(min_value=money.ZERO)
    expense_category = forms.ModelChoiceField(
        queryset=ExpenseCategory.objects.none(), label="Expense category"
    )
    tax_category = forms.ModelChoiceField(queryset=TaxCategory.objects.none(), label="Tax")

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, model in (
            ("item", EquipmentItem),
            ("expense_category", ExpenseCategory),
            ("tax_category", TaxCategory),
        ):
            _limit(self, name, _of(organisation, model))

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        data = self.cleaned_data
        if not (data.get("description") or data.get("item")):
            self.add_error("description", "Describe the line or choose an item.")
        self.amounts: money.LineAmounts | None = None
        tax: TaxCategory | None = data.get("tax_category")
        if data.get("quantity") is not None and data.get("unit_cost") is not None:
            try:
                self.amounts = money.check_line(
                    data["quantity"], data["unit_cost"], tax.rate if tax else money.ZERO
                )
            except money.OutOfBounds as error:
                field = "unit_cost" if error.field == "unit_price" else error.field
                self.add_error(field if field in self.fields else None, error.message)
        return cleaned

    def to_line(self) -> OrderLine:
        data = self.cleaned_data
        return OrderLine(
            description=data["description"],
            item=data["item"],
            quantity=data["quantity"],
            unit_cost=data["unit_cost"],
            expense_category=data["expense_category"],
            tax_category=data["tax_category"],
        )


class BaseOrderLineFormSet(BaseLinesFormSet[OrderLineForm]):
    document = "purchase order"
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_few_forms": "Fill in at least one line.",
        "too_many_forms": "A purchase order can have at most %(num)d lines.",
    }


OrderLineFormSet = forms.formset_factory(
    OrderLineForm,
    formset=BaseOrderLineFormSet,
    extra=2,
    min_num=1,
    validate_min=True,
    max_num=MAX_LINES,
    validate_max=True,
    absolute_max=MAX_LINES,
)


def filled_lines(formset: forms.BaseFormSet[OrderLineForm]) -> list[OrderLine]:
    return [form.to_line() for form in formset.forms if form.has_changed()]
