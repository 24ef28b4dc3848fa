"""The sandbox's demo world: Intuit users, companies (fixed realm ids) and their books.

sandbox.user@intuit.test (Sandy Sandbox) has Harbour Hire Co (US, USD, automated sales
tax 8.25%) and Canal Side Hire Ltd (UK, GBP, VAT, multicurrency with EUR and USD);
other.user@intuit.test has Maple Event Rentals (US), for "wrong realm" tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from sandbox.quickbooks import chart
from sandbox.quickbooks.entities import time
from sandbox.quickbooks.entities.registry import BY_NAME
from sandbox.quickbooks.models import QboCompany, QboUser
from sandbox.quickbooks.store import Books, lock
from sandbox.quickbooks.writes import save

US_REALM = "9341453050123456"
UK_REALM = "9341453050654321"
OTHER_REALM = "9341453050999999"

SANDBOX_USER = "sandbox.user@intuit.test"
OTHER_USER = "other.user@intuit.test"

Json = dict[str, Any]


@dataclass(frozen=True)
class CompanySeed:
    realm_id: str
    name: str
    country: str
    currency: str
    multicurrency: bool
    sales_tax: str


COMPANIES = (
    CompanySeed(US_REALM, "Harbour Hire Co", "US", "USD", False, "8.25"),
    CompanySeed(UK_REALM, "Canal Side Hire Ltd", "GB", "GBP", True, "0"),
    CompanySeed(OTHER_REALM, "Maple Event Rentals", "US", "USD", False, "8.25"),
)
USERS = (
    (SANDBOX_USER, "Sandy Sandbox", "sandy-0001", (US_REALM, UK_REALM)),
    (OTHER_USER, "Otto Other", "otto-0002", (OTHER_REALM,)),
)


def ensure_demo_world() -> None:
    """Create the demo users, companies and books if missing (safe on every request)."""
    if _complete():
        return
    for seed in COMPANIES:
        company = _company(seed)
        chart.ensure(company)
        _demo_books(company)
        _demo_employees(company)
    for email, name, sub, realms in USERS:
        user, _ = QboUser.objects.get_or_create(email=email, defaults={"name": name, "sub": sub})
        user.companies.add(*QboCompany.objects.filter(realm_id__in=realms))


def _complete() -> bool:
    realms = [seed.realm_id for seed in COMPANIES]
    return QboUser.objects.filter(email__in=[user[0] for user in USERS]).count() == len(
        USERS
    ) and QboCompany.objects.filter(
        realm_id__in=realms, entities__entity="CompanyInfo"
    ).count() == len(COMPANIES)


def _company(seed: CompanySeed) -> QboCompany:
    company, _ = QboCompany.objects.get_or_create(
        realm_id=seed.realm_id,
        defaults={
            "name": seed.name,
            "country": seed.country,
            "home_currency": seed.currency,
            "multicurrency": seed.multicurrency,
            "sales_tax_percent": Decimal(seed.sales_tax),
        },
    )
    return company


def _demo_books(company: QboCompany) -> None:
    with transaction.atomic():
        books = Books(lock(company))
        if books.all("Customer"):
            return
        income = books.all("Account")[1]  # Rental Income / Equipment Hire
        tax = {} if company.is_us else {"SalesTaxCodeRef": {"value": "3"}}
        items = [
            {
                "Name": "Scissor lift day hire",
                "Type": "Service",
                "UnitPrice": 85,
                "Sku": "SL19-DAY",
            },
            {"Name": "PA system small", "Type": "Service", "UnitPrice": 120, "Sku": "PA-SMALL"},
            {"Name": "Safety harness", "Type": "NonInventory", "UnitPrice": 12.5, "Sku": "HARNESS"},
        ]
        for item in items:
            taxable = {"Taxable": True} if company.is_us else {}
            _save(
                books,
                "Item",
                item | tax | taxable | {"IncomeAccountRef": {"value": income.entity_id}},
            )
        customers = (
            ["Harbour Build LLC", "Riverside Festival Inc", "Northern Stage Co"]
            if company.is_us
            else ["Bright Lights Events Ltd", "Marlow & Finch Weddings"]
        )
        for name in customers:
            email = name.split()[0].lower() + "@example.com"
            _save(books, "Customer", {"DisplayName": name, "PrimaryEmailAddr": {"Address": email}})
        if company.multicurrency:
            _save(
                books,
                "Customer",
                {"DisplayName": "Lumiere Productions SARL", "CurrencyRef": {"value": "EUR"}},
            )
        line_tax = {"TaxCodeRef": {"value": "TAX" if company.is_us else "3"}}
        _save(
            books,
            "Invoice",
            {
                "CustomerRef": {"value": "1"},
                "PrivateNote": "Demo hire, two days",
                "Line": [
                    {
                        "DetailType": "SalesItemLineDetail",
                        "Amount": 170,
                        "Description": "Scissor lift 19ft, two days",
                        "SalesItemLineDetail": {
                            "ItemRef": {"value": "2"},
                            "Qty": 2,
                            "UnitPrice": 85,
                        }
                        | line_tax,
                    }
                ],
            },
        )


def _demo_employees(company: QboCompany) -> None:
    with transaction.atomic():
        time.seed_employees(Books(lock(company)), _save)


def _save(books: Books, entity: str, body: Json) -> None:
    save(books, BY_NAME[entity], body)
