"""Sales tax on sales transactions.

US companies put `TAX` or `NON` on each line and let automated sales tax work out the
rate (the sandbox uses the company's one rate, or the TaxCode named in
TxnTaxDetail.TxnTaxCodeRef). Other regions name a real TaxCode on every line, and each
code's rates (SalesTaxRateList) apply to the lines that carry it; tax is exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sandbox.quickbooks import errors
from sandbox.quickbooks.entities.common import amount, money, number, ref_id, reference
from sandbox.quickbooks.models import QboEntity
from sandbox.quickbooks.store import Books

Json = dict[str, Any]
US_CODES = ("TAX", "NON")
US_AUTOMATED_CODE = "2"  # the seeded combined code automated sales tax reports


@dataclass(frozen=True)
class Taxed:
    """A line's net amount and the tax code it carries."""

    net: Decimal
    code: str


def line_code(books: Books, detail: Json, item: QboEntity) -> str:
    wanted = ref_id(detail.get("TaxCodeRef"))
    if books.company.is_us:
        if wanted is None:
            return "TAX" if item.data.get("Taxable") else "NON"
        if wanted not in US_CODES:
            raise errors.invalid(
                "2500", f"Invalid Reference Id : TaxCode {wanted} on a line", "TaxCodeRef"
            )
        return wanted
    if wanted is None:
        wanted = ref_id(item.data.get("SalesTaxCodeRef"))
    if wanted is None:
        # QuickBooks' own wording for a line without a VAT rate.
        raise errors.business(
            "Make sure all your transactions have a VAT rate before you save.", "TaxCodeRef"
        )
    return reference(books, "TaxCode", wanted, "TaxCodeRef").entity_id


def txn_tax_detail(books: Books, lines: list[Taxed], sent: Any, mode: str) -> Json:
    if mode == "NotApplicable":
        return {"TotalTax": 0}
    if books.company.is_us:
        return _us(books, lines, sent if isinstance(sent, dict) else {})
    return _global(books, lines)


def _rates(books: Books, code: QboEntity) -> list[QboEntity]:
    listed = (code.data.get("SalesTaxRateList") or {}).get("TaxRateDetail") or []
    rates = [books.get("TaxRate", ref_id(entry.get("TaxRateRef"))) for entry in listed]
    return [rate for rate in rates if rate is not None]


def _tax_line(rate: QboEntity, net: Decimal, tax: Decimal) -> Json:
    return {
        "Amount": amount(tax),
        "DetailType": "TaxLineDetail",
        "TaxLineDetail": {
            "TaxRateRef": {"value": rate.entity_id},
            "PercentBased": True,
            "TaxPercent": number(Decimal(str(rate.data.get("RateValue", 0)))),
            "NetAmountTaxable": amount(net),
        },
    }


def _us(books: Books, lines: list[Taxed], sent: Json) -> Json:
    taxable = sum((line.net for line in lines if line.code == "TAX"), Decimal(0))
    code_id = ref_id(sent.get("TxnTaxCodeRef")) or US_AUTOMATED_CODE
    code = books.get("TaxCode", code_id)
    if code is None:
        if ref_id(sent.get("TxnTaxCodeRef")) is not None:
            raise errors.invalid(
                "2500", f"Invalid Reference Id : TaxCode {code_id} not found", "TxnTaxCodeRef"
            )
        return {"TotalTax": 0}
    tax_lines = []
    total = Decimal(0)
    for rate in _rates(books, code):
        tax = money(taxable * Decimal(str(rate.data["RateValue"])) / 100)
        total += tax
        tax_lines.append(_tax_line(rate, taxable, tax))
    if taxable == 0:
        return {"TotalTax": 0}
    return {
        "TxnTaxCodeRef": {"value": code.entity_id},
        "TotalTax": amount(total),
        "TaxLine": tax_lines,
    }


def _global(books: Books, lines: list[Taxed]) -> Json:
    nets: dict[str, Decimal] = {}
    for line in lines:
        nets[line.code] = nets.get(line.code, Decimal(0)) + line.net
    tax_lines = []
    total = Decimal(0)
    for code_id, net in nets.items():
        code = books.get("TaxCode", code_id)
        for rate in _rates(books, code) if code is not None else []:
            tax = money(net * Decimal(str(rate.data["RateValue"])) / 100)
            total += tax
            tax_lines.append(_tax_line(rate, net, tax))
    return {"TotalTax": amount(total), "TaxLine": tax_lines}
