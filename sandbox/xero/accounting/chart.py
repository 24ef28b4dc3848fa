"""A new organisation's chart of accounts and tax rates, as Xero sets them up.

UK organisations get Xero's UK chart with VAT rates, New Zealand ones the same codes
with GST. Ids are derived from the tenant id and the code, so they are the same in
every database. https://central.xero.com/s/article/Default-chart-of-accounts-UK
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sandbox.xero.accounting.dates import stamp
from sandbox.xero.accounting.models import XeroAccount, XeroTaxRate
from sandbox.xero.models import XeroOrganisation

IDS = uuid.UUID("5f0c8a52-7b4e-4d0e-9c55-1f4de0a7c0de")


@dataclass(frozen=True)
class AccountSeed:
    code: str
    name: str
    type: str
    tax: str  # a role, made concrete per country by TAX_ROLES
    payments: bool = False
    system: str = ""
    status: str = "ACTIVE"


@dataclass(frozen=True)
class RateSeed:
    tax_type: str
    name: str
    rate: str
    report: str
    applies: frozenset[str]  # account classes: REVENUE, EXPENSE, ASSET, LIABILITY, EQUITY


ALL_CLASSES = frozenset({"REVENUE", "EXPENSE", "ASSET", "LIABILITY", "EQUITY"})
SPENDING = frozenset({"EXPENSE", "ASSET", "LIABILITY", "EQUITY"})
INCOME = frozenset({"REVENUE"})

ACCOUNTS = (
    AccountSeed("090", "Business Bank Account", "BANK", "none"),
    AccountSeed("091", "Business Savings Account", "BANK", "none"),
    AccountSeed("200", "Sales", "REVENUE", "sales"),
    AccountSeed("205", "Equipment Hire", "REVENUE", "sales"),
    AccountSeed("260", "Other Revenue", "REVENUE", "sales"),
    AccountSeed("265", "Sundry Income (old)", "REVENUE", "sales", status="ARCHIVED"),
    AccountSeed("270", "Interest Income", "OTHERINCOME", "exempt_sales"),
    AccountSeed("310", "Cost of Goods Sold", "DIRECTCOSTS", "purchases"),
    AccountSeed("320", "Direct Wages", "DIRECTCOSTS", "none"),
    AccountSeed("400", "Advertising", "OVERHEADS", "purchases"),
    AccountSeed("401", "Audit & Accountancy fees", "OVERHEADS", "purchases"),
    AccountSeed("404", "Bank Fees", "OVERHEADS", "exempt_purchases"),
    AccountSeed("412", "Consulting", "OVERHEADS", "purchases"),
    AccountSeed("429", "General Expenses", "OVERHEADS", "purchases"),
    AccountSeed("433", "Insurance", "OVERHEADS", "exempt_purchases"),
    AccountSeed("449", "Motor Vehicle Expenses", "OVERHEADS", "purchases"),
    AccountSeed("469", "Rent", "OVERHEADS", "purchases"),
    AccountSeed("473", "Repairs & Maintenance", "OVERHEADS", "purchases"),
    AccountSeed("477", "Salaries", "OVERHEADS", "none"),
    AccountSeed("489", "Telephone & Internet", "OVERHEADS", "purchases"),
    AccountSeed("610", "Accounts Receivable", "CURRENT", "none", system="DEBTORS"),
    AccountSeed("630", "Inventory", "INVENTORY", "none"),
    AccountSeed("710", "Office Equipment", "FIXED", "purchases"),
    AccountSeed("720", "Hire Equipment", "FIXED", "purchases"),
    AccountSeed("800", "Accounts Payable", "CURRLIAB", "none", system="CREDITORS"),
    AccountSeed("820", "VAT", "CURRLIAB", "none", system="GST"),
    AccountSeed("835", "Directors' Loan Account", "CURRLIAB", "none", payments=True),
    AccountSeed("840", "Historical Adjustment", "CURRLIAB", "none", system="HISTORICAL"),
    AccountSeed("860", "Rounding", "CURRLIAB", "none", system="ROUNDING"),
    AccountSeed("900", "Loan", "TERMLIAB", "none"),
    AccountSeed("960", "Retained Earnings", "EQUITY", "none", system="RETAINEDEARNINGS"),
    AccountSeed("970", "Owner A Funds Introduced", "EQUITY", "none"),
)

UK_RATES = (
    RateSeed("OUTPUT2", "20% (VAT on Income)", "20", "OUTPUT", INCOME),
    RateSeed("INPUT2", "20% (VAT on Expenses)", "20", "INPUT", SPENDING),
    RateSeed("RROUTPUT", "5% (VAT on Income)", "5", "OUTPUT", INCOME),
    RateSeed("RRINPUT", "5% (VAT on Expenses)", "5", "INPUT", SPENDING),
    RateSeed("ZERORATEDOUTPUT", "Zero Rated Income", "0", "ZERORATEDOUTPUT", INCOME),
    RateSeed("ZERORATEDINPUT", "Zero Rated Expenses", "0", "ZERORATEDINPUT", SPENDING),
    RateSeed("EXEMPTOUTPUT", "Exempt Income", "0", "EXEMPTOUTPUT", INCOME),
    RateSeed("EXEMPTINPUT", "Exempt Expenses", "0", "EXEMPTINPUT", SPENDING),
    RateSeed("NONE", "No VAT", "0", "NONE", ALL_CLASSES),
)
NZ_RATES = (
    RateSeed("OUTPUT2", "15% GST on Income", "15", "OUTPUT", INCOME),
    RateSeed("INPUT2", "15% GST on Expenses", "15", "INPUT", SPENDING),
    RateSeed("ZERORATED", "Zero Rated", "0", "NONE", INCOME),
    RateSeed("NONE", "No GST", "0", "NONE", ALL_CLASSES),
)

TAX_ROLES = {
    "GB": {"sales": "OUTPUT2", "purchases": "INPUT2", "none": "NONE"}
    | {"exempt_sales": "EXEMPTOUTPUT", "exempt_purchases": "EXEMPTINPUT"},
    "NZ": {"sales": "OUTPUT2", "purchases": "INPUT2", "none": "NONE"}
    | {"exempt_sales": "NONE", "exempt_purchases": "NONE"},
}


def seeded_id(tenant_id: uuid.UUID, kind: str, key: str) -> uuid.UUID:
    return uuid.uuid5(IDS, f"{tenant_id}:{kind}:{key}")


def ensure(organisation: XeroOrganisation) -> None:
    """Give an organisation its chart and tax rates the first time its books are used."""
    if not XeroAccount.objects.filter(organisation=organisation).exists():
        seed(organisation)


def seed(organisation: XeroOrganisation) -> None:
    country = "NZ" if organisation.country_code == "NZ" else "GB"
    now = stamp()
    XeroTaxRate.objects.bulk_create(
        [
            _rate(organisation, rate, country)
            for rate in (NZ_RATES if country == "NZ" else UK_RATES)
        ],
        ignore_conflicts=True,
    )
    XeroAccount.objects.bulk_create(
        [_account(organisation, account, country, now) for account in ACCOUNTS],
        ignore_conflicts=True,
    )


def _account(
    organisation: XeroOrganisation, seed: AccountSeed, country: str, now: datetime
) -> XeroAccount:
    tax_label = "GST" if country == "NZ" else "VAT"
    bank = seed.type == "BANK"
    return XeroAccount(
        organisation=organisation,
        account_id=seeded_id(organisation.tenant_id, "account", seed.code),
        code=seed.code,
        name=tax_label if seed.system == "GST" else seed.name,
        type=seed.type,
        status=seed.status,
        tax_type=TAX_ROLES[country][seed.tax],
        enable_payments=seed.payments,
        bank_account_number=f"{seed.code}0209087654321" if bank else "",
        system_account=seed.system,
        updated_at=now,
    )


def _rate(organisation: XeroOrganisation, seed: RateSeed, country: str) -> XeroTaxRate:
    return XeroTaxRate(
        organisation=organisation,
        tax_type=seed.tax_type,
        name=seed.name,
        rate=Decimal(seed.rate),
        report_tax_type=seed.report,
        component_name="GST" if country == "NZ" else "VAT",
        applies_to_assets="ASSET" in seed.applies,
        applies_to_equity="EQUITY" in seed.applies,
        applies_to_expenses="EXPENSE" in seed.applies,
        applies_to_liabilities="LIABILITY" in seed.applies,
        applies_to_revenue="REVENUE" in seed.applies,
    )
