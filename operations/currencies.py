"""The currencies a customer, document or legal entity may be kept in: ISO 4217's
circulating currencies. The ledgers take nothing else (Xero refuses a CurrencyCode it
does not know, and an organisation must also have enabled the currency there).

The list comes from pycountry (the Debian iso-codes data, kept current with ISO 4217's
amendments). ISO 4217 also lists codes that are not money anyone invoices in: precious
metals, units of account, bond-market units, fund codes and the testing and "no
currency" codes; those are refused too."""

from __future__ import annotations

import pycountry
from django.core.exceptions import ValidationError

NOT_TENDER = frozenset(
    {
        # Metals, SDR, the European composite units, Sucre, ADB unit, testing, none.
        *("XAU", "XAG", "XPD", "XPT", "XDR", "XBA", "XBB", "XBC", "XBD"),
        *("XSU", "XUA", "XTS", "XXX"),
        # Fund codes (indexed units and next-day dollars).
        *("BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW"),
    }
)
CODES = frozenset(currency.alpha_3 for currency in pycountry.currencies) - NOT_TENDER


def is_currency(code: str) -> bool:
    return code in CODES


def validate_currency(code: str) -> None:
    """A model and form validator: refuses anything but a circulating ISO 4217 code."""
    if not is_currency(code):
        raise ValidationError(
            "%(code)s is not a currency code the ledgers accept: use a three-letter "
            "ISO 4217 code such as GBP, EUR or USD.",
            code="currency",
            params={"code": code or "An empty value"},
        )
