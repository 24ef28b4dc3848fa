"""A new business's tax rates, ledger accounts and bank accounts, as Sage sets them up.

UK businesses get UK VAT rates (GB_STANDARD 20% ...), Irish ones Irish VAT
(IE_STANDARD 23% ...); both get the same nominal codes from Sage's UK/IE chart (1200 bank,
4000 sales ...). Tax rate ids are Sage's readable codes; other ids are derived from the
business id and the code, so they are the same in every database.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sandbox.sage.accounting.wire import stamp
from sandbox.sage.models import SageBankAccount, SageBusiness, SageLedgerAccount, SageTaxRate

IDS = uuid.UUID("0b7e5d1c-2a94-4f3e-8c61-5a9e7d3b2c10")


@dataclass(frozen=True)
class RateSeed:
    suffix: str  # GB_ or IE_ goes in front
    name: str
    percentage: str


@dataclass(frozen=True)
class AccountSeed:
    code: int
    name: str
    type: str
    group: str
    tax: str = ""  # a rate suffix, or none
    sales: bool = False
    banking: bool = False


@dataclass(frozen=True)
class BankSeed:
    code: int
    name: str
    type: str


RATES = {
    "GB": (
        RateSeed("STANDARD", "Standard", "20.00"),
        RateSeed("REDUCED", "Reduced", "5.00"),
        RateSeed("ZERO", "Zero", "0.00"),
        RateSeed("EXEMPT", "Exempt", "0.00"),
        RateSeed("NO_TAX", "No Tax", "0.00"),
    ),
    "IE": (
        RateSeed("STANDARD", "Standard", "23.00"),
        RateSeed("REDUCED", "Reduced", "13.50"),
        RateSeed("SECOND_REDUCED", "Second Reduced", "9.00"),
        RateSeed("ZERO", "Zero", "0.00"),
        RateSeed("EXEMPT", "Exempt", "0.00"),
        RateSeed("NO_TAX", "No Tax", "0.00"),
    ),
}

ACCOUNTS = (
    AccountSeed(1100, "Trade Debtors", "CURRENT_ASSETS", "ASSETS"),
    AccountSeed(1200, "Current", "BANK", "ASSETS", banking=True),
    AccountSeed(1210, "Deposit", "BANK", "ASSETS", banking=True),
    AccountSeed(1230, "Cash in Hand", "CASH_IN_HAND", "ASSETS", banking=True),
    AccountSeed(2200, "Sales Tax Control Account", "CURRENT_LIABILITY", "LIABILITY"),
    AccountSeed(4000, "Sales Type A", "SALES", "INCOME", "STANDARD", sales=True),
    AccountSeed(4010, "Sales Type B", "SALES", "INCOME", "STANDARD", sales=True),
    AccountSeed(4020, "Sales Type C", "SALES", "INCOME", "STANDARD", sales=True),
    AccountSeed(4900, "Miscellaneous Income", "OTHER_INCOME", "INCOME", "EXEMPT", sales=True),
    AccountSeed(4905, "Distribution and Carriage", "SALES", "INCOME", "STANDARD", sales=True),
    AccountSeed(5000, "Cost of sales - goods", "DIRECT_EXPENSES", "EXPENDITURE", "STANDARD"),
    AccountSeed(7500, "Office costs", "OVERHEADS", "EXPENDITURE", "STANDARD"),
)

BANKS = (
    BankSeed(1200, "Current", "CHECKING"),
    BankSeed(1210, "Deposit", "SAVINGS"),
    BankSeed(1230, "Cash in Hand", "CASH_IN_HAND"),
)


def seeded_id(business: str, kind: str, name: str) -> str:
    return uuid.uuid5(IDS, f"{business}:{kind}:{name}").hex


def tax_rate_id(business: SageBusiness, suffix: str) -> str:
    return f"{business.country}_{suffix}"


def ensure(business: SageBusiness) -> None:
    """Seed the chart of a business that has none (every request may call this)."""
    if not SageTaxRate.objects.filter(business=business).exists():
        seed(business)


def seed(business: SageBusiness) -> None:
    now = stamp()
    country = business.country if business.country in RATES else "GB"
    rates = {
        seed.suffix: SageTaxRate.objects.create(
            business=business,
            guid=f"{country}_{seed.suffix}",
            name=seed.name,
            percentage=Decimal(seed.percentage),
            created_at=now,
            updated_at=now,
        )
        for seed in RATES[country]
    }
    accounts = {
        seed.code: SageLedgerAccount.objects.create(
            business=business,
            guid=seeded_id(business.guid, "ledger_account", str(seed.code)),
            nominal_code=seed.code,
            name=seed.name,
            display_name=seed.name,
            ledger_account_type=seed.type,
            ledger_account_group=seed.group,
            tax_rate=rates.get(seed.tax),
            visible_in_sales=seed.sales,
            visible_in_banking=seed.banking,
            created_at=now,
            updated_at=now,
        )
        for seed in ACCOUNTS
    }
    for bank in BANKS:
        SageBankAccount.objects.create(
            business=business,
            guid=seeded_id(business.guid, "bank_account", str(bank.code)),
            ledger_account=accounts[bank.code],
            bank_account_type=bank.type,
            account_name=bank.name,
            created_at=now,
            updated_at=now,
        )
