"""Forms of the invoice pages. Every choice of a related row is limited to one organisation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, TypeVar, cast

from django import forms
from django.db.models import QuerySet

from operations import extensions, money
from operations.models import (
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Filters the kinds above operations add (e.g. where an invoice stands in a ledger).
        self.extra = extensions.list_filters(Invoice)
        for extra in self.extra:
            self.fields[extra.name] = forms.ChoiceField(
                label=extra.label, choices=[("", "Any"), *extra.choices], required=False
            )

    def chosen_status(self) -> str:
        """The status to filter by; an unknown one filters nothing (its error is shown)."""
        if self.is_valid():
            status: str = self.cleaned_data["status"]
            return status
        return ALL_STATUSES

    @property
    def extra_fields(self) -> list[forms.BoundField]:
        return [self[extra.name] for extra in self.extra]

    def chosen_extras(self) -> dict[str, str]:
        """The added filters with a valid value; an unknown value filters nothing."""
        chosen = {}
        for extra in self.extra:
            field = self[extra.name]
            value = field.data or ""
            if value and not field.errors:
                chosen[extra.name] = value
        return chosen

    def narrow(self, invoices: QuerySet[Invoice], organisation_id: int) -> QuerySet[Invoice]:
        chosen = self.chosen_extras()
        for extra in self.extra:
            if extra.name in chosen:
                invoices = extra.apply(invoices, organisation_id, chosen[extra.name])
        return invoices


class FiniteDecimalField(forms.DecimalField):
    """Refuses NaN and infinity while parsing, not only when validating: a formset asks
    whether a line changed (parsed value != initial) first, and comparing a signalling
    NaN (``sNaN``) raises instead of answering."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # as the stubs
        number: Decimal | None = super().to_python(value)
        if number is not None and not number.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


def _amount_field(**extra: Any) -> forms.DecimalField:
    return FiniteDecimalField(
        max_digits=money.MONEY_DIGITS,
        decimal_places=money.MONEY_PLACES,
        max_value=money.MAX_AMOUNT,
        **extra,
    )


def _quantity_field() -> forms.DecimalField:
    return FiniteDecimalField(
        max_digits=money.QUANTITY_DIGITS,
        decimal_places=money.QUANTITY_PLACES,
        min_value=money.MIN_QUANTITY,
        max_value=money.MAX_QUANTITY,
        initial=Decimal("1"),
    )


class PaymentForm(forms.Form):
    amount = _amount_field(min_value=money.CENT)
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
    quantity = _quantity_field()
    unit_price = _amount_field(min_value=money.ZERO)
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
        self._check_amounts()
        return cleaned

    def _check_amounts(self) -> None:
        """What the line comes to must fit too, not only its quantity and price."""
        self.amounts: money.LineAmounts | None = None
        data = self.cleaned_data
        if not all(data.get(name) is not None for name in ("quantity", "unit_price")):
            return  # the field's own error is shown
        tax: TaxCategory | None = data.get("tax_category")
        try:
            self.amounts = money.check_line(
                data["quantity"], data["unit_price"], tax.rate if tax else money.ZERO
            )
        except money.OutOfBounds as error:
            self.add_error(error.field, error.message)

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


F = TypeVar("F", bound=forms.Form)


class BaseLinesFormSet(forms.BaseFormSet[F]):
    """Priced lines whose total must fit every ledger, checked as ``document``'s."""

    document = "invoice"

    def clean(self) -> None:
        super().clean()
        self.check_total([form for form in self.forms if form.has_changed()])

    def check_total(self, filled: list[F]) -> None:
        amounts = [getattr(form, "amounts", None) for form in filled]
        if not all(amounts):
            return  # a line has its own error; the total waits until every line fits
        try:
            money.check_total(money.total_of(a for a in amounts if a).gross, self.document)
        except money.OutOfBounds as error:
            raise forms.ValidationError(error.message, code="total_too_large") from None


class BaseLineFormSet(BaseLinesFormSet[LineForm]):
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
