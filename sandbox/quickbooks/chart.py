"""What a new QuickBooks company starts with: accounts, tax codes and rates, classes,
locations (Departments), currencies, CompanyInfo and Preferences.

US companies get QuickBooks' US starter chart and TAX/NON codes with one automated rate;
UK companies the UK chart and VAT codes (20.0% S, 5.0% R, 0.0% Z, Exempt, No VAT).
"""

from __future__ import annotations

from typing import Any

from sandbox.quickbooks.entities import currencies
from sandbox.quickbooks.models import QboCompany
from sandbox.quickbooks.store import Books

Json = dict[str, Any]

# (Name, AccountType, AccountSubType)
US_ACCOUNTS = (
    ("Services", "Income", "ServiceFeeIncome"),
    ("Rental Income", "Income", "OtherPrimaryIncome"),
    ("Sales of Product Income", "Income", "SalesOfProductIncome"),
    ("Checking", "Bank", "Checking"),
    ("Undeposited Funds", "Other Current Asset", "UndepositedFunds"),
    ("Accounts Receivable (A/R)", "Accounts Receivable", "AccountsReceivable"),
    ("Inventory Asset", "Other Current Asset", "Inventory"),
    ("Cost of Goods Sold", "Cost of Goods Sold", "SuppliesMaterialsCogs"),
    ("Equipment Repairs", "Expense", "RepairMaintenance"),
)
UK_ACCOUNTS = (
    ("Sales", "Income", "SalesOfProductIncome"),
    ("Equipment Hire", "Income", "ServiceFeeIncome"),
    ("Other Income", "Other Income", "OtherMiscellaneousIncome"),
    ("Current", "Bank", "Checking"),
    ("Undeposited Funds", "Other Current Asset", "UndepositedFunds"),
    ("Debtors", "Accounts Receivable", "AccountsReceivable"),
    ("Stock", "Other Current Asset", "Inventory"),
    ("Cost of sales", "Cost of Goods Sold", "SuppliesMaterialsCogs"),
    ("Repairs and maintenance", "Expense", "RepairMaintenance"),
)
CLASSIFICATION = {
    "Income": "Revenue",
    "Other Income": "Revenue",
    "Bank": "Asset",
    "Other Current Asset": "Asset",
    "Accounts Receivable": "Asset",
    "Cost of Goods Sold": "Expense",
    "Expense": "Expense",
}
# (TaxRate Id, Name, RateValue) and (TaxCode Id, Name, Taxable, TaxRate Ids)
US_RATES = (("1", "California", "8.25"),)
US_CODES = (
    ("TAX", "TAX", True, ()),
    ("NON", "NON", False, ()),
    ("2", "California", True, ("1",)),
)
UK_RATES = (
    ("4", "20.0% S", "20"),
    ("6", "5.0% R", "5"),
    ("8", "0.0% Z", "0"),
    ("10", "Exempt", "0"),
)
UK_CODES = (
    ("3", "20.0% S", True, ("4",)),
    ("5", "5.0% R", True, ("6",)),
    ("7", "0.0% Z", True, ("8",)),
    ("9", "Exempt", True, ("10",)),
    ("11", "No VAT", False, ()),
)
FOREIGN_CURRENCIES = (("EUR", "1.17"), ("USD", "1.27"))


def ensure(company: QboCompany) -> None:
    """Seed a company's lists once (the CompanyInfo row says it was done)."""
    books = Books(company)
    if books.get("CompanyInfo", "1") is not None:
        return
    accounts = US_ACCOUNTS if company.is_us else UK_ACCOUNTS
    for name, account_type, sub_type in accounts:
        books.create("Account", _account(books, name, account_type, sub_type))
    _tax(books)
    for name in ("Hire", "Sales"):
        books.create(
            "Class", {"Name": name, "SubClass": False, "FullyQualifiedName": name, "Active": True}
        )
    for name in ("North Depot", "South Depot"):
        books.create(
            "Department",
            {"Name": name, "SubDepartment": False, "FullyQualifiedName": name, "Active": True},
        )
    income = books.all("Account")[0]
    books.create(
        "Item",
        {
            "Name": "Services",
            "FullyQualifiedName": "Services",
            "Type": "Service",
            "Active": True,
            "UnitPrice": 0,
            "PurchaseCost": 0,
            "TrackQtyOnHand": False,
            "IncomeAccountRef": {"value": income.entity_id, "name": income.data["Name"]},
        }
        | (
            {"Taxable": False}
            if company.is_us
            else {"SalesTaxCodeRef": {"value": "3", "name": "20.0% S"}}
        ),
    )
    if company.multicurrency:
        for code, rate in FOREIGN_CURRENCIES:
            if code != company.home_currency:
                data = {"Code": code, "Name": currencies.NAMES[code], "Active": True}
                books.create("CompanyCurrency", data | {"_ExchangeRate": rate})
    books.create("Preferences", preferences(company), entity_id="1")
    books.create("CompanyInfo", company_info(company), entity_id="1")


def _account(books: Books, name: str, account_type: str, sub_type: str) -> Json:
    return {
        "Name": name,
        "SubAccount": False,
        "FullyQualifiedName": name,
        "Active": True,
        "Classification": CLASSIFICATION[account_type],
        "AccountType": account_type,
        "AccountSubType": sub_type,
        "CurrentBalance": 0,
        "CurrentBalanceWithSubAccounts": 0,
        "CurrencyRef": currencies.home(books),
    }


def _tax(books: Books) -> None:
    us = books.company.is_us
    for rate_id, name, value in US_RATES if us else UK_RATES:
        data = {"Name": name, "Description": name, "Active": True, "RateValue": float(value)}
        data["AgencyRef"] = {"value": "1"}
        data["DisplayType"] = "ReadOnly"
        books.create("TaxRate", data, entity_id=rate_id)
    for code_id, name, taxable, rate_ids in US_CODES if us else UK_CODES:
        details = [
            {
                "TaxRateRef": {"value": rid, "name": _rate_name(us, rid)},
                "TaxTypeApplicable": "TaxOnAmount",
                "TaxOrder": 0,
            }
            for rid in rate_ids
        ]
        data = {
            "Name": name,
            "Description": name,
            "Active": True,
            "Hidden": False,
            "Taxable": taxable,
            "TaxGroup": len(rate_ids) > 1,
            "SalesTaxRateList": {"TaxRateDetail": details},
            "PurchaseTaxRateList": {"TaxRateDetail": []},
        }
        books.create("TaxCode", data, entity_id=code_id)
    # Seeded Ids are fixed; later ones must not collide with them.
    books.next_number("TaxCode", start=100)
    books.next_number("TaxRate", start=100)


def _rate_name(us: bool, rate_id: str) -> str:
    return next(name for rid, name, _ in (US_RATES if us else UK_RATES) if rid == rate_id)


def preferences(company: QboCompany) -> Json:
    home = {"value": company.home_currency, "name": currencies.NAMES.get(company.home_currency, "")}
    return {
        "AccountingInfoPrefs": {
            "TrackDepartments": True,
            "DepartmentTerminology": "Location",
            "ClassTrackingPerTxnLine": True,
            "CustomerTerminology": "Customers",
        },
        "ProductAndServicesPrefs": {"ForSales": True, "QuantityOnHand": True},
        "SalesFormsPrefs": {
            "CustomTxnNumbers": False,
            "AllowEstimates": True,
            "AllowServiceDate": True,
            "DefaultTerms": {"value": "3"},
        },
        "TaxPrefs": {"UsingSalesTax": True, "PartnerTaxEnabled": company.is_us},
        "CurrencyPrefs": {"MultiCurrencyEnabled": company.multicurrency, "HomeCurrency": home},
        "OtherPrefs": {
            "NameValue": [
                {
                    "Name": "SalesFormsPrefs.DuplicateDocNumCheck",
                    "Value": str(company.duplicate_doc_number_check).lower(),
                }
            ]
        },
    }


def company_info(company: QboCompany) -> Json:
    address = (
        {
            "Line1": "2600 Marine Way",
            "City": "Mountain View",
            "CountrySubDivisionCode": "CA",
            "PostalCode": "94043",
            "Country": "US",
        }
        if company.is_us
        else {
            "Line1": "1 Canal Street",
            "City": "Manchester",
            "PostalCode": "M1 3HU",
            "Country": "GB",
        }
    )
    return {
        "CompanyName": company.name,
        "LegalName": company.legal_name or company.name,
        "CompanyAddr": address,
        "LegalAddr": address,
        "CustomerCommunicationAddr": address,
        "CompanyStartDate": company.created_at.date().isoformat(),
        "FiscalYearStartMonth": "January",
        "Country": company.country,
        "Email": {"Address": "books@" + company.realm_id + ".example.com"},
        "SupportedLanguages": "en",
        "DefaultTimeZone": "America/Los_Angeles" if company.is_us else "Europe/London",
        "NameValue": [
            {"Name": "NeoEnabled", "Value": "true"},
            {"Name": "IsQbdtMigrated", "Value": "false"},
        ],
    }
