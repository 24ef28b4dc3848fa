"""The console's bookkeeper forms: invoice, payment and contact."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from sandbox.sage.models import SageBankAccount, SageBusiness, SageContact, SageSalesInvoice

ISO = "%Y-%m-%d"  # <input type="date"> speaks ISO whatever the locale


class InvoiceForm(forms.Form):
    reference = forms.CharField(label="Reference", max_length=25, required=False)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due_date = forms.DateField(
        label="Due date", required=False, widget=forms.DateInput(attrs={"type": "date"}, format=ISO)
    )

    def __init__(self, *args: Any, invoice: SageSalesInvoice, **kwargs: Any) -> None:
        self.lines = list(invoice.lines.all())
        initial: dict[str, Any] = {
            "reference": invoice.reference,
            "notes": invoice.notes,
            "due_date": invoice.due_date,
        }
        for index, line in enumerate(self.lines):
            initial |= {
                f"line_{index}_description": line.description,
                f"line_{index}_quantity": line.quantity.normalize(),
                f"line_{index}_unit_price": line.unit_price.normalize(),
            }
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for index in range(len(self.lines)):
            number = index + 1
            self.fields[f"line_{index}_description"] = forms.CharField(
                label=f"Line {number} description", max_length=2000
            )
            self.fields[f"line_{index}_quantity"] = forms.DecimalField(
                label=f"Line {number} quantity", max_digits=14, decimal_places=4
            )
            self.fields[f"line_{index}_unit_price"] = forms.DecimalField(
                label=f"Line {number} unit price", max_digits=14, decimal_places=4
            )

    def line_fields(self) -> list[list[forms.BoundField]]:
        names = ("description", "quantity", "unit_price")
        return [[self[f"line_{i}_{name}"] for name in names] for i in range(len(self.lines))]

    def line_changes(self) -> dict[int, dict[str, Any]]:
        """Only what a person changed, in the API's words."""
        changes: dict[int, dict[str, Any]] = {}
        for index, line in enumerate(self.lines):
            before: dict[str, Any] = {
                "description": line.description,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
            }
            change = {
                name: self.cleaned_data[f"line_{index}_{name}"]
                for name, value in before.items()
                if self.cleaned_data[f"line_{index}_{name}"] != value
            }
            if change:
                changes[index] = change
        return changes


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label="Payment amount", max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    bank_account = forms.ChoiceField(label="Paid into")
    paid_on = forms.DateField(
        label="Payment date", widget=forms.DateInput(attrs={"type": "date"}, format=ISO)
    )
    reference = forms.CharField(label="Payment reference", max_length=255, required=False)

    def __init__(self, *args: Any, business: SageBusiness, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["bank_account"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
        banks = SageBankAccount.objects.filter(business=business).select_related("ledger_account")
        field.choices = [(row.guid, str(row)) for row in banks]


class ContactForm(forms.Form):
    name = forms.CharField(label="Contact name", max_length=255)
    reference = forms.CharField(label="Contact reference", max_length=50, required=False)
    email = forms.EmailField(label="Contact email", required=False)


class ManualInvoiceForm(forms.Form):
    """A sales invoice typed into Sage for an existing customer contact."""

    contact = forms.ChoiceField(label="Customer contact")
    description = forms.CharField(label="Description", max_length=4000)
    amount = forms.DecimalField(
        label="Net amount", min_value=Decimal("0.01"), max_digits=12, decimal_places=2
    )
    due_date = forms.DateField(label="Due date", required=False)

    def __init__(self, *args: Any, business: SageBusiness, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contacts = SageContact.objects.filter(business=business, deleted_at__isnull=True)
        field = self.fields["contact"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
        field.choices = [
            (contact.guid, str(contact))
            for contact in contacts.order_by("name", "pk")
            if "CUSTOMER" in str(contact.contact_type).upper()
        ]
