"""Read-only reference endpoints: ledger accounts, tax rates, bank accounts.

Creating and changing them (POST/PUT /ledger_accounts, US-only tax rate writes) is not
emulated: Patchbay maps to what the bookkeeper set up.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict

from sandbox.sage.accounting import reference
from sandbox.sage.accounting.context import Books
from sandbox.sage.accounting.resources import Resource, register
from sandbox.sage.models import SageBankAccount, SageLedgerAccount, SageTaxRate


def _ledger_filters(rows: QuerySet[Any], query: QueryDict) -> QuerySet[Any]:
    visible = query.get("visible_in", "")
    if visible == "sales":
        rows = rows.filter(visible_in_sales=True)
    elif visible == "banking":
        rows = rows.filter(visible_in_banking=True)
    kind = query.get("ledger_account_type_id", "")
    if kind:
        rows = rows.filter(ledger_account_type__in=kind.split(","))
    return rows


LEDGER_ACCOUNTS = register(
    Resource(
        name="ledger_accounts",
        singular="ledger_account",
        rows=lambda books: SageLedgerAccount.objects.filter(business=books.business).select_related(
            "tax_rate"
        ),
        render=reference.ledger_account,
        filters=_ledger_filters,
    )
)

TAX_RATES = register(
    Resource(
        name="tax_rates",
        singular="tax_rate",
        rows=lambda books: SageTaxRate.objects.filter(business=books.business),
        render=reference.tax_rate,
    )
)


def _banks(books: Books) -> QuerySet[SageBankAccount]:
    rows = SageBankAccount.objects.filter(business=books.business)
    return rows.select_related("ledger_account", "business")


BANK_ACCOUNTS = register(
    Resource(
        name="bank_accounts",
        singular="bank_account",
        rows=_banks,
        render=reference.bank_account,
    )
)
