"""The console's bookkeeper forms: edit an invoice, record a payment, add a contact."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from sandbox.xero.accounting.dates import today
from sandbox.xero.accounting.models import XeroAccount, XeroContact, XeroInvoice
from sandbox.xero.models import XeroOrganisation

# <input type="date"> takes and gives ISO dates, whatever the locale.
ISO = "%Y-%m-%d"


class InvoiceForm(forms.Form):
    reference = forms.CharField(label="Reference", max_length=255, required=False)
    due_date = forms.DateField(
        label="Due date", required=False, widget=forms.DateInput(attrs={"type": "date"}, format=ISO)
    )

    def __init__(self, *args: Any, invoice: XeroInvoice, **kwargs: Any) -> None:
        initial: dict[str, Any] = {"reference": invoice.reference, "due_date": invoice.due_date}
        self.lines = list(invoice.lines.all())
        for index, line in enumerate(self.lines):
            initial |= {
                f"line_{index}_description": line.description,
                f"line_{index}_quantity": line.quantity.normalize(),
                f"line_{index}_unit_amount": line.unit_amount.normalize(),
            }
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for index in range(len(self.lines)):
            self._add_line_fields(index)

    def _add_line_fields(self, index: int) -> None:
        number = index + 1
        self.fields[f"line_{index}_description"] = forms.CharField(
            label=f"Line {number} description", required=False, max_length=4000
        )
        self.fields[f"line_{index}_quantity"] = forms.DecimalField(
            label=f"Line {number} quantity", max_digits=14, decimal_places=4
        )
        self.fields[f"line_{index}_unit_amount"] = forms.DecimalField(
            label=f"Line {number} unit amount", max_digits=14, decimal_places=4
        )

    def line_fields(self) -> list[list[forms.BoundField]]:
        names = ("description", "quantity", "unit_amount")
        return [
            [self[f"line_{index}_{name}"] for name in names] for index in range(len(self.lines))
        ]

    def line_changes(self) -> dict[int, dict[str, Any]]:
        """Only the lines a person changed, in the API's words."""
        changes: dict[int, dict[str, Any]] = {}
        for index, line in enumerate(self.lines):
            change = self._line_change(index, line.description, line.quantity, line.unit_amount)
            if change:
                changes[index] = change
        return changes

    def _line_change(
        self, index: int, description: str, quantity: Decimal, unit_amount: Decimal
    ) -> dict[str, Any]:
        data = self.cleaned_data
        change: dict[str, Any] = {}
        if data[f"line_{index}_description"] != description:
            change["Description"] = data[f"line_{index}_description"]
        if data[f"line_{index}_quantity"] != quantity:
            change["Quantity"] = data[f"line_{index}_quantity"]
        if data[f"line_{index}_unit_amount"] != unit_amount:
            change["UnitAmount"] = data[f"line_{index}_unit_amount"]
        return change


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label="Payment amount", max_digits=14, decimal_places=2)
    account = forms.ChoiceField(label="Paid into")
    paid_on = forms.DateField(
        label="Payment date",
        widget=forms.DateInput(attrs={"type": "date"}, format=ISO),
        initial=today,
    )
    reference = forms.CharField(label="Payment reference", max_length=255, required=False)

    def __init__(self, *args: Any, organisation: XeroOrganisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        accounts = XeroAccount.objects.filter(organisation=organisation, status="ACTIVE")
        payable = [row for row in accounts if row.takes_payments]
        field = self.fields["account"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
        field.choices = [(row.code, f"{row.code} {row.name}") for row in payable]


class ContactForm(forms.Form):
    name = forms.CharField(label="Contact name", max_length=255)
    email = forms.EmailField(label="Contact email", required=False)
    contact_number = forms.CharField(label="Contact number", max_length=50, required=False)


class ManualInvoiceForm(forms.Form):
    """An approved invoice typed into Xero for an existing contact."""

    contact = forms.ChoiceField(label="Contact")
    description = forms.CharField(label="Description", max_length=4000)
    amount = forms.DecimalField(
        label="Amount (excluding tax)", min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    due_date = forms.DateField(
        label="Due date", required=False, widget=forms.DateInput(attrs={"type": "date"}, format=ISO)
    )

    def __init__(self, *args: Any, organisation: XeroOrganisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contacts = XeroContact.objects.filter(organisation=organisation, status="ACTIVE")
        field = self.fields["contact"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
        field.choices = [
            (str(contact.contact_id), contact.name) for contact in contacts.order_by("name")
        ]
