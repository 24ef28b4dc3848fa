"""Reference data as the API shows it: businesses, the user, ledger accounts, tax
rates, bank accounts and currencies (read-only here)."""

from __future__ import annotations

from django.db.models import Sum

from sandbox.sage.accounting.wire import Json, amount, link, timestamp
from sandbox.sage.models import (
    SageBankAccount,
    SageBusiness,
    SageContactPayment,
    SageLedgerAccount,
    SageTaxRate,
    SageUser,
)

CURRENCIES = {
    "GBP": ("Pound Sterling", "£"),
    "EUR": ("Euro", "€"),
    "USD": ("US Dollar", "$"),
}
COUNTRIES = {"GB": "United Kingdom", "IE": "Ireland"}


def currency_link(code: str) -> Json:
    name, _ = CURRENCIES.get(code, (code, ""))
    return link("currencies", code, f"{name} ({code})")


def currency(code: str) -> Json:
    name, symbol = CURRENCIES[code]
    return currency_link(code) | {"code": code, "name": name, "symbol": symbol}


def business(row: SageBusiness) -> Json:
    """Fields from Sage's User/Business Swagger section."""
    status = "active" if row.subscription_active else "cancelled"
    return link("businesses", row.guid, row.name) | {
        "name": row.name,
        "country": link("countries", row.country, COUNTRIES.get(row.country, row.country)),
        "is_demo": row.is_demo,
        "subscriptions": [
            {
                "id": f"{row.guid[:8]}-accounting",
                "active": row.subscription_active,
                "status": status,
            }
        ],
        "created_at": timestamp(row.created_at),
        "updated_at": timestamp(row.updated_at),
    }


def user(row: SageUser) -> Json:
    first, _, last = row.name.partition(" ")
    return {
        "id": row.guid,
        "displayed_as": row.name,
        "$path": "/user",
        "first_name": first,
        "last_name": last,
        "initials": "".join(part[:1] for part in row.name.split()),
        "email": row.email,
        "locale": "en-GB" if row.country == "GB" else "en-IE",
    }


def tax_rate_displayed(row: SageTaxRate) -> str:
    return f"{row.name} {row.percentage:.2f}%"


def tax_rate_link(row: SageTaxRate | None) -> Json | None:
    return link("tax_rates", row.guid, tax_rate_displayed(row)) if row else None


def tax_rate(row: SageTaxRate) -> Json:
    return link("tax_rates", row.guid, tax_rate_displayed(row)) | {
        "name": row.name,
        "agency": None,
        "percentage": amount(row.percentage),
        "percentages": [
            {"percentage": amount(row.percentage), "from_date": "2011-01-04", "to_date": None}
        ],
        "is_visible": row.is_visible,
        "is_combined_rate": False,
        "component_tax_rates": [],
        "retailer": False,
        "editable": False,
        "deletable": False,
        "created_at": timestamp(row.created_at),
        "updated_at": timestamp(row.updated_at),
    }


def ledger_account_displayed(row: SageLedgerAccount) -> str:
    return f"{row.name} ({row.nominal_code})"


def ledger_account_link(row: SageLedgerAccount) -> Json:
    return link("ledger_accounts", row.guid, ledger_account_displayed(row))


def ledger_account(row: SageLedgerAccount) -> Json:
    kind = row.ledger_account_type
    return ledger_account_link(row) | {
        "ledger_account_group": {
            "id": row.ledger_account_group,
            "displayed_as": row.ledger_account_group.title(),
        },
        "ledger_account_type": link("ledger_account_types", kind, kind.replace("_", " ").title()),
        "included_in_chart": row.included_in_chart,
        "name": row.name,
        "display_name": row.display_name,
        "visible_scopes": _scopes(row),
        "nominal_code": row.nominal_code,
        "tax_rate": tax_rate_link(row.tax_rate),
        "visible_in_sales": row.visible_in_sales,
        "visible_in_banking": row.visible_in_banking,
        "created_at": timestamp(row.created_at),
        "updated_at": timestamp(row.updated_at),
    }


def _scopes(row: SageLedgerAccount) -> list[str]:
    scopes = ["reporting"]
    if row.visible_in_sales:
        scopes.append("sales")
    if row.visible_in_banking:
        scopes.append("bank")
    return scopes


def bank_account_link(row: SageBankAccount) -> Json:
    return link(
        "bank_accounts", row.guid, f"{row.account_name} ({row.ledger_account.nominal_code})"
    )


def bank_account(row: SageBankAccount) -> Json:
    received = SageContactPayment.objects.filter(bank_account=row, deleted_at__isnull=True)
    balance = received.aggregate(total=Sum("total_amount"))["total"] or 0
    kind = row.bank_account_type
    return bank_account_link(row) | {
        "bank_account_details": {
            "account_name": row.account_name,
            "account_number": row.account_number or None,
            "sort_code": row.sort_code or None,
            "bic": None,
            "iban": None,
        },
        "ledger_account": ledger_account_link(row.ledger_account),
        "bank_account_type": link("bank_account_types", kind, kind.replace("_", " ").title()),
        "balance": float(balance),
        "currency": currency_link(row.business.currency),
        "editable": True,
        "deletable": False,
        "nominal_code": row.ledger_account.nominal_code,
        "created_at": timestamp(row.created_at),
        "updated_at": timestamp(row.updated_at),
    }
