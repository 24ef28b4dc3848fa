"""Account codes and tax types named in a request, checked as Xero checks them."""

from __future__ import annotations

from sandbox.xero.accounting.context import Books
from sandbox.xero.accounting.models import XeroAccount, XeroTaxRate


def active_account(books: Books, code: str) -> XeroAccount | None:
    account = books.account(code)
    return account if account is not None and account.status == XeroAccount.Status.ACTIVE else None


def account_problems(books: Books, code: str) -> list[str]:
    if not code or active_account(books, code) is not None:
        return []
    return [f"Account code '{code}' is not a valid code for this document."]


def tax_problems(books: Books, tax_type: str, account: XeroAccount | None) -> list[str]:
    """The tax type must exist, be active, and suit the account's class (no INPUT2 on sales)."""
    if not tax_type:
        return []
    rate = books.tax_rates.get(tax_type)
    usable = rate is not None and rate.status == XeroTaxRate.Status.ACTIVE
    if usable and rate is not None and account is not None:
        usable = rate.applies_to(account.account_class)
    if usable:
        return []
    return [
        f"The TaxType code '{tax_type}' does not exist or cannot be used for this type of "
        "transaction."
    ]
