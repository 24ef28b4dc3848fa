"""The account mappings form, built from the provider's live chart of accounts."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms

from accounting import suggest
from accounting.engine.adapter import COST_OF_SALES, STOCK_ASSET, RemoteChoice, Tracking
from accounting.models import AccountMapping, Entity, PushSettings
from integrations.models import AuditEntry
from operations.models import EquipmentItem, ExpenseCategory, IncomeCategory, TaxCategory
from tenancy.models import Organisation
from tenancy.params import IdField, MonthField

Kind = AccountMapping.Kind


def field_name(kind: str, local_id: int) -> str:
    return f"{kind}-{local_id}"


# A code a person reads in their ledger (Xero's "200", at most 10 characters); Sage's
# and QuickBooks' ids are opaque and never shown (their names carry the nominal code).
HUMAN_CODE = re.compile(r"^[A-Za-z0-9.\-]{1,10}$")


def choice_label(option: RemoteChoice) -> str:
    if option.kind and HUMAN_CODE.fullmatch(option.code) and option.code not in option.name:
        return f"{option.code} · {option.name}"
    return option.name or option.code


def _choices(options: list[RemoteChoice]) -> list[tuple[str, str]]:
    return [("", "Choose…")] + [(o.code, choice_label(o)) for o in options]


def _optional_choices(options: list[RemoteChoice]) -> list[tuple[str, str]]:
    return [("", "None (optional)")] + [(o.code, o.name) for o in options]


class MappingForm(forms.Form):
    def __init__(
        self,
        organisation: Organisation,
        accounts: list[RemoteChoice],
        tax_rates: list[RemoteChoice],
        *args: Any,
        tracking: Tracking | None = None,
        sells_stock: bool = False,
        expense_accounts: list[RemoteChoice] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        tracking = tracking or Tracking()
        expenses = expense_accounts or []
        offered = [*accounts, *tax_rates, *tracking.classes, *tracking.locations, *expenses]
        self.names = {option.code: option.name for option in offered}
        income = [a for a in accounts if a.kind in ("REVENUE", "SALES", "OTHERINCOME", "")]
        # Fields given a guess to confirm (unmapped ones only; see ``suggest``).
        self.suggested: dict[str, str] = {}
        for category in IncomeCategory.objects.for_organisation(organisation):
            name = field_name(Kind.INCOME, category.pk)
            self.fields[name] = forms.ChoiceField(
                label=f"Income: {category.name}", choices=_choices(income)
            )
            self._suggest(name, suggest.income_account(category.name, income))
        for tax in TaxCategory.objects.for_organisation(organisation):
            name = field_name(Kind.TAX, tax.pk)
            self.fields[name] = forms.ChoiceField(label=f"Tax: {tax}", choices=_choices(tax_rates))
            self._suggest(name, suggest.tax_rate(tax.rate, tax_rates))
        self.fields[field_name(Kind.PAYMENT_ACCOUNT, 0)] = forms.ChoiceField(
            label="Payments are recorded against",
            choices=_choices([a for a in accounts if a.accepts_payments]),
        )
        if sells_stock:
            self._add_stock_accounts(organisation, accounts)
        self._add_tracking(organisation, tracking)
        if expense_accounts is not None:
            self._add_expense_accounts(organisation, expenses)

    def _add_expense_accounts(
        self, organisation: Organisation, accounts: list[RemoteChoice]
    ) -> None:
        """Where the ledger takes purchase orders: each expense category's account. Left
        empty, only purchase orders with a line of that category wait (they say so)."""
        for category in ExpenseCategory.objects.for_organisation(organisation):
            name = field_name(Kind.EXPENSE, category.pk)
            self.fields[name] = forms.ChoiceField(
                label=f"Expense: {category.name}",
                choices=[("", "Not mapped (its purchase orders wait)")]
                + [(a.code, choice_label(a)) for a in accounts],
                required=False,
            )
            self._suggest(name, suggest.income_account(category.name, accounts))

    def _suggest(self, name: str, code: str) -> None:
        """Pre-select a guess for a field with no saved mapping, and say it is one."""
        if not code or self.initial.get(name):
            return
        self.suggested[name] = code
        self.initial[name] = code
        self.fields[
            name
        ].help_text = f"Suggested: {self.names.get(code, code)}. Check it, then save to confirm."

    def _add_stock_accounts(self, organisation: Organisation, accounts: list[RemoteChoice]) -> None:
        """Where the ledger holds stock items: required once an item is sold as stock."""
        needed = EquipmentItem.objects.filter(organisation=organisation, sold_as_stock=True)
        required = needed.exists()
        for kind, remote_kind, label in (
            (Kind.INVENTORY_ASSET, STOCK_ASSET, "Stock sold is held in (inventory asset)"),
            (Kind.COST_OF_SALES, COST_OF_SALES, "Stock sold is costed to (cost of sales)"),
        ):
            self.fields[field_name(kind, 0)] = forms.ChoiceField(
                label=label,
                choices=_choices([a for a in accounts if a.kind == remote_kind]),
                required=required,
            )

    def _add_tracking(self, organisation: Organisation, tracking: Tracking) -> None:
        """Classes and the location are optional: left empty, documents go without."""
        if tracking.classes:
            classes = _optional_choices(tracking.classes)
            for category in IncomeCategory.objects.for_organisation(organisation):
                self.fields[field_name(Kind.CLASS, category.pk)] = forms.ChoiceField(
                    label=f"Class: {category.name}", choices=classes, required=False
                )
        if tracking.locations:
            self.fields[field_name(Kind.LOCATION, 0)] = forms.ChoiceField(
                label="Location of every document",
                choices=_optional_choices(tracking.locations),
                required=False,
            )

    def mappings(self) -> list[tuple[str, int, str, str]]:
        """(kind, local id, remote code, remote name) for every field; the code is empty
        for an optional mapping left empty."""
        rows = []
        for name, code in self.cleaned_data.items():
            kind, local_id = name.rsplit("-", 1)
            rows.append((kind, int(local_id), code, self.names.get(code, "")))
        return rows


class AuditFilterForm(forms.Form):
    """The audit log's filters and keyset cursor (``?before=<id>``: older than it)."""

    run = IdField(label="Run")
    connection = IdField(label="Platform")
    entity = forms.ChoiceField(
        label="Record", choices=[("", "Any"), *Entity.choices], required=False
    )
    outcome = forms.ChoiceField(
        label="Outcome", choices=[("", "Any"), *AuditEntry.Outcome.choices], required=False
    )
    since = forms.DateField(label="Since", required=False)
    before = IdField(label="Older than call")


class ConnectionQuery(forms.Form):
    """``?connection=<id>``: which company's mappings (one per legal entity)."""

    connection = IdField(label="Company")


class PlatformQuery(forms.Form):
    """``?connection=<id>``: one ledger connection's rows only."""

    connection = IdField(label="Platform")


class MonthQuery(forms.Form):
    month = MonthField(label="Month")
    connection = IdField(label="Platform")
    format = forms.ChoiceField(choices=[("", "Page"), ("csv", "CSV")], required=False)


class ResolveForm(forms.Form):
    """A review's resolution: one of the named choices or a candidate record's id."""

    NAMED = ("keep_ledger", "push_patchbay", "create", "push_again", "leave_removed")

    choice = forms.CharField(max_length=20)

    def clean_choice(self) -> str | int:
        choice: str = self.cleaned_data["choice"]
        if choice in self.NAMED:
            return choice
        return IdField(required=True).clean(choice)  # type: ignore[no-any-return]


class PushChoicesForm(forms.Form):
    """How a connection pushes documents: drafts or approved, and from which date."""

    invoice_status = forms.ChoiceField(
        label="New invoices and credit notes go to the ledger",
        choices=PushSettings.InvoiceStatus.choices,
        widget=forms.RadioSelect,
        help_text=(
            "Drafts wait for a bookkeeper to approve them in the ledger, and a payment "
            "recorded in Patchbay waits with them (a draft takes no payment). Approved "
            "invoices can be paid at once. Invoices already in the ledger keep their status."
        ),
    )
    start_date = forms.DateField(
        label="Sync start date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=(
            "Invoices and credit notes issued before this date stay out of the ledger "
            "(you can still include one from its page). Leave empty to push everything."
        ),
    )

    def clean_start_date(self) -> date | None:
        value: date | None = self.cleaned_data.get("start_date")
        if value is not None and value > date.today():
            raise forms.ValidationError(
                f"The start date can't be in the future: {value:%-d %b %Y} would keep "
                "every invoice issued until then out of the ledger. Choose today or earlier."
            )
        return value
