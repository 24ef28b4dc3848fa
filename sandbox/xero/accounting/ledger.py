"""GET /Accounts and GET /TaxRates: the whole chart and every tax rate, never paged.

https://developer.xero.com/documentation/api/accounting/accounts
https://developer.xero.com/documentation/api/accounting/taxrates
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from sandbox.xero.accounting import listing
from sandbox.xero.accounting.context import Books
from sandbox.xero.accounting.dates import ms
from sandbox.xero.accounting.models import XeroAccount, XeroTaxRate
from sandbox.xero.accounting.money import number
from sandbox.xero.accounting.responses import Json, ok

ACCOUNT_ORDER = {"Code": "code", "Name": "name", "Type": "type", "Status": "status"}
ACCOUNT_ORDER |= {"UpdatedDateUTC": "updated_at", "AccountID": "account_id"}
RATE_ORDER = {"Name": "name", "TaxType": "tax_type", "Status": "status"}


def list_accounts(books: Books, request: HttpRequest) -> HttpResponse:
    found = listing.query(request, ACCOUNT_ORDER, ("code", "pk"))
    rows = XeroAccount.objects.filter(organisation=books.organisation).select_related(
        "organisation"
    )
    rows = rows.order_by(*found.order)
    items, _ = listing.page(listing.modified_since(rows, found.since), _unpaged(found), account)
    return ok("Accounts", items)


def list_tax_rates(books: Books, request: HttpRequest) -> HttpResponse:
    # Tax rates have no UpdatedDateUTC, so If-Modified-Since does not apply to them.
    found = listing.query(request, RATE_ORDER, ("name", "pk"))
    rows = XeroTaxRate.objects.filter(organisation=books.organisation).order_by(*found.order)
    items, _ = listing.page(rows, _unpaged(found), tax_rate)
    return ok("TaxRates", items)


def _unpaged(found: listing.Query) -> listing.Query:
    # Accounts and tax rates come whole: a `page` parameter is ignored, as at Xero.
    return listing.Query(found.since, None, found.page_size, found.order, found.where, found.params)


def account(row: XeroAccount) -> Json:
    body: Json = {
        "AccountID": str(row.account_id),
        "Code": row.code,
        "Name": row.name,
        "Status": row.status,
        "Type": row.type,
        "TaxType": row.tax_type,
        "Class": row.account_class,
        "EnablePaymentsToAccount": row.enable_payments,
        "ShowInExpenseClaims": False,
        "BankAccountType": "BANK" if row.type == "BANK" else "",
        "ReportingCode": row.reporting_code,
        "HasAttachments": False,
        "UpdatedDateUTC": ms(row.updated_at),
        "AddToWatchlist": False,
    }
    if row.description:
        body["Description"] = row.description
    if row.type == "BANK":
        body["BankAccountNumber"] = row.bank_account_number
        body["CurrencyCode"] = row.organisation.base_currency
    if row.system_account:
        body["SystemAccount"] = row.system_account
    return body


def tax_rate(row: XeroTaxRate) -> Json:
    rate = number(row.rate)
    return {
        "Name": row.name,
        "TaxType": row.tax_type,
        "ReportTaxType": row.report_tax_type,
        "CanApplyToAssets": row.applies_to_assets,
        "CanApplyToEquity": row.applies_to_equity,
        "CanApplyToExpenses": row.applies_to_expenses,
        "CanApplyToLiabilities": row.applies_to_liabilities,
        "CanApplyToRevenue": row.applies_to_revenue,
        "DisplayTaxRate": rate,
        "EffectiveRate": rate,
        "Status": row.status,
        "TaxComponents": [
            {
                "Name": row.component_name,
                "Rate": rate,
                "IsCompound": False,
                "IsNonRecoverable": False,
            }
        ],
    }
