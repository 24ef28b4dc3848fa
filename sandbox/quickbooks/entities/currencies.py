"""Currencies: the home currency always; others only with multicurrency switched on
(Preferences.CurrencyPrefs.MultiCurrencyEnabled) and listed as CompanyCurrency."""

from __future__ import annotations

from typing import Any

from sandbox.quickbooks import errors
from sandbox.quickbooks.entities.common import ref_id
from sandbox.quickbooks.models import QboEntity
from sandbox.quickbooks.store import Books

NAMES = {
    "USD": "United States Dollar",
    "GBP": "British Pound Sterling",
    "EUR": "Euro",
    "CAD": "Canadian Dollar",
    "AUD": "Australian Dollar",
}


def home(books: Books) -> dict[str, str]:
    code = books.company.home_currency
    return {"value": code, "name": NAMES.get(code, code)}


def check(books: Books, value: Any, old: QboEntity | None) -> dict[str, str]:
    """The CurrencyRef to store: the one sent, the one kept, or the home currency."""
    code = ref_id(value) or (ref_id(old.data.get("CurrencyRef")) if old else None)
    if code is None or code == books.company.home_currency:
        return home(books)
    if not books.company.multicurrency:
        raise errors.business(
            f"Currency {code} cannot be used: multicurrency is not enabled for this company",
            "CurrencyRef",
        )
    known = {row.data.get("Code") for row in books.all("CompanyCurrency")}
    if code not in known:
        raise errors.invalid(
            "2500", f"Invalid Reference Id : Currency {code} not found", "CurrencyRef"
        )
    return {"value": code, "name": NAMES.get(code, code)}
