"""The console's bookkeeper forms."""

from __future__ import annotations

from typing import Any

from django import forms

from sandbox.quickbooks.models import QboEntity


class InvoiceForm(forms.Form):
    private_note = forms.CharField(label="Memo (PrivateNote)", required=False, max_length=4000)
    due_date = forms.DateField(label="Due date", required=False)

    def __init__(self, *args: Any, invoice: QboEntity, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item_lines = [
            line
            for line in invoice.data.get("Line", [])
            if line.get("DetailType") == "SalesItemLineDetail"
        ]
        self.fields["private_note"].initial = invoice.data.get("PrivateNote", "")
        self.fields["due_date"].initial = invoice.data.get("DueDate")
        for number, line in enumerate(self.item_lines, start=1):
            detail = line.get("SalesItemLineDetail", {})
            self.fields[f"line_{number}_description"] = forms.CharField(
                label=f"Line {number} description",
                required=False,
                initial=line.get("Description", ""),
            )
            self.fields[f"line_{number}_qty"] = forms.DecimalField(
                label=f"Line {number} quantity", required=False, initial=detail.get("Qty")
            )
            self.fields[f"line_{number}_unit_price"] = forms.DecimalField(
                label=f"Line {number} unit price", required=False, initial=detail.get("UnitPrice")
            )

    def line_fields(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"line_{number}_{name}"] for name in ("description", "qty", "unit_price")]
            for number in range(1, len(self.item_lines) + 1)
        ]

    def line_changes(self) -> dict[int, dict[str, Any]]:
        changes: dict[int, dict[str, Any]] = {}
        for index in range(len(self.item_lines)):
            number = index + 1
            change = {
                "Description": self.cleaned_data.get(f"line_{number}_description"),
                "Qty": self.cleaned_data.get(f"line_{number}_qty"),
                "UnitPrice": self.cleaned_data.get(f"line_{number}_unit_price"),
            }
            changes[index] = {
                key: value for key, value in change.items() if value not in (None, "")
            }
        return changes


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label="Payment amount", min_value=0.01, decimal_places=2)
    paid_on = forms.DateField(label="Payment date", required=False)
    reference = forms.CharField(label="Reference no.", required=False, max_length=21)


class CustomerForm(forms.Form):
    display_name = forms.CharField(label="Customer display name", max_length=500)
    email = forms.EmailField(label="Customer email", required=False)


class ManualInvoiceForm(forms.Form):
    """An invoice typed into QuickBooks for an existing customer (the ledger mirror's
    "made in the ledger" case)."""

    customer = forms.ChoiceField(label="Customer")
    description = forms.CharField(label="Description", max_length=4000)
    amount = forms.DecimalField(
        label="Amount", min_value=0.01, max_value=99999999.99, decimal_places=2
    )
    due_date = forms.DateField(label="Due date", required=False)

    def __init__(self, *args: Any, customers: list[QboEntity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["customer"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
        field.choices = [
            (row.entity_id, f"{row.data.get('DisplayName', '')} (Id {row.entity_id})")
            for row in customers
        ]
