"""Mappings Patchbay can guess for the person to confirm: an income category to the
ledger's account of the same name, a tax category to the ledger's sales rate of the
same percentage. Only a single clear candidate is suggested; nothing is saved until the
person saves the form."""

from __future__ import annotations

import re
from decimal import Decimal

from accounting.engine.adapter import RemoteChoice

# Words that mark a rate as the purchases side, never the one sales are taxed at.
PURCHASE_WORDS = ("expense", "purchase", "input", "bill")
SALES_WORDS = ("income", "sales", "output")


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def income_account(category_name: str, accounts: list[RemoteChoice]) -> str:
    """The one account named as the category is (case and spacing aside), or ""."""
    found = [a.code for a in accounts if _plain(a.name) == _plain(category_name)]
    return found[0] if len(found) == 1 else ""


def _percent(rate: Decimal) -> str:
    return f"{rate.normalize():f}%"


def tax_rate(rate: Decimal, rates: list[RemoteChoice]) -> str:
    """The one sales rate whose name carries this percentage ("20% (VAT on Income)"), or
    "": a rate for purchases is never offered, and where several remain, the one naming
    sales or income is preferred."""
    wanted = _percent(rate)
    pattern = re.compile(rf"(?<![\d.]){re.escape(wanted)}")
    named = [r for r in rates if pattern.search(r.name)]
    if rate == 0:
        named += [r for r in rates if "zero" in r.name.casefold() and r not in named]
    selling = [r for r in named if not any(w in r.name.casefold() for w in PURCHASE_WORDS)]
    if len(selling) > 1:
        selling = [r for r in selling if any(w in r.name.casefold() for w in SALES_WORDS)]
    return selling[0].code if len(selling) == 1 else ""
