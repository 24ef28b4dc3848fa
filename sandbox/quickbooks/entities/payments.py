"""Payment: money received from a customer, applied to invoices (and credit memos) by
lines whose LinkedTxn names them. A partial payment leaves the rest as the invoice's
Balance; what no line applies is UnappliedAmt. Each invoice or credit memo a payment
touches is saved again with its new Balance and LinkedTxn (a new SyncToken).
https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/payment
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sandbox.quickbooks import clock, errors
from sandbox.quickbooks.entities import sales
from sandbox.quickbooks.entities.common import (
    amount,
    clean,
    money,
    ref_id,
    ref_to,
    reference,
    required_decimal,
    text,
)
from sandbox.quickbooks.models import QboEntity
from sandbox.quickbooks.store import Books

Json = dict[str, Any]
APPLIES_TO = ("Invoice", "CreditMemo")
UNDEPOSITED_FUNDS = "UndepositedFunds"


def prepare_payment(books: Books, doc: Json, old: QboEntity | None) -> Json:
    if ref_id(doc.get("CustomerRef")) is None:
        raise errors.required("CustomerRef")
    customer = reference(books, "Customer", doc.get("CustomerRef"), "CustomerRef")
    total = money(required_decimal(doc.get("TotalAmt"), "TotalAmt"))
    if total < 0:
        raise errors.business("TotalAmt cannot be negative", "TotalAmt")
    payment_lines, applied = _lines(books, doc.get("Line") or [], customer, old)
    if applied > total:
        raise errors.business(
            f"The amounts applied ({applied}) are more than the payment's TotalAmt ({total})",
            "TotalAmt",
        )
    txn_date = doc.get("TxnDate")
    data: Json = {
        "TxnDate": txn_date if clock.parse_day(txn_date) else clock.today().isoformat(),
        "CurrencyRef": dict(customer.data.get("CurrencyRef") or {}),
        "PrivateNote": text(doc.get("PrivateNote"), "PrivateNote", 4000),
        "Line": payment_lines,
        "CustomerRef": ref_to(customer, "DisplayName"),
        "DepositToAccountRef": _deposit_account(books, doc.get("DepositToAccountRef")),
        "PaymentMethodRef": doc.get("PaymentMethodRef")
        if ref_id(doc.get("PaymentMethodRef"))
        else None,
        "PaymentRefNum": text(doc.get("PaymentRefNum"), "PaymentRefNum", 21),
        "TotalAmt": amount(total),
        "UnappliedAmt": amount(total - applied),
        "ProcessPayment": False,
    }
    if books.company.multicurrency:
        data["ExchangeRate"] = 1
    return clean(data)


def _lines(
    books: Books, sent: Any, customer: QboEntity, old: QboEntity | None
) -> tuple[list[Json], Decimal]:
    if not isinstance(sent, list):
        raise errors.invalid("2010", "Property Line: a list is expected", "Line")
    made: list[Json] = []
    net = Decimal(0)
    already = _applications(old)
    for raw in sent:
        line_amount = money(required_decimal((raw or {}).get("Amount"), "Line.Amount"))
        target = _target(books, raw, customer)
        key = (target.entity, target.entity_id)
        open_amount = Decimal(str(target.data.get("Balance", 0))) + already.get(key, Decimal(0))
        if line_amount > open_amount:
            raise errors.business(
                f"The payment applies {line_amount} to {target.entity} {target.entity_id}, "
                f"whose open balance is {open_amount}",
                "Line.Amount",
            )
        already[key] = already.get(key, Decimal(0)) - line_amount
        net += line_amount if target.entity == "Invoice" else -line_amount
        link = {"TxnId": target.entity_id, "TxnType": target.entity}
        made.append({"Amount": amount(line_amount), "LinkedTxn": [link]})
    return made, net


def _target(books: Books, raw: Json, customer: QboEntity) -> QboEntity:
    links = raw.get("LinkedTxn") if isinstance(raw, dict) else None
    if not isinstance(links, list) or len(links) != 1 or not isinstance(links[0], dict):
        raise errors.required("Line.LinkedTxn")
    link = links[0]
    entity = link.get("TxnType")
    if entity not in APPLIES_TO:
        raise errors.invalid("2010", f"LinkedTxn TxnType {entity} is not supported", "TxnType")
    target = reference(books, str(entity), link.get("TxnId"), "LinkedTxn.TxnId")
    if ref_id(target.data.get("CustomerRef")) != customer.entity_id:
        raise errors.business(
            f"{entity} {target.entity_id} belongs to another customer", "LinkedTxn"
        )
    return target


def _applications(payment: QboEntity | None) -> dict[tuple[str, str], Decimal]:
    """What this payment applied before the change, per target."""
    found: dict[tuple[str, str], Decimal] = {}
    for line in payment.data.get("Line", []) if payment else []:
        for link in line.get("LinkedTxn", []):
            key = (str(link.get("TxnType")), str(link.get("TxnId")))
            found[key] = found.get(key, Decimal(0)) + Decimal(str(line.get("Amount", 0)))
    return found


# A payment is deposited to an asset account: a bank, or Undeposited Funds (an Other
# Current Asset). Finance.xsd: "Identifies the Asset Account (bank account) to be used".
DEPOSIT_TYPES = ("Bank", "Other Current Asset")


def _deposit_account(books: Books, value: Any) -> Json:
    if ref_id(value) is not None:
        account = reference(books, "Account", value, "DepositToAccountRef")
        if account.data.get("AccountType") not in DEPOSIT_TYPES:
            raise errors.business(
                f"Account {account.entity_id} ({account.data.get('Name')}) cannot take "
                "deposits: choose a bank or other current asset account",
                "DepositToAccountRef",
            )
        return ref_to(account)
    for account in books.all("Account"):
        if account.data.get("AccountSubType") == UNDEPOSITED_FUNDS:
            return ref_to(account)
    raise errors.required("DepositToAccountRef")


def targets(payment: QboEntity | Json | None) -> set[tuple[str, str]]:
    data = payment.data if isinstance(payment, QboEntity) else (payment or {})
    found = set()
    for line in data.get("Line", []):
        for link in line.get("LinkedTxn", []):
            found.add((str(link.get("TxnType")), str(link.get("TxnId"))))
    return found


def settle(books: Books, touched: set[tuple[str, str]]) -> None:
    """Recompute Balance and LinkedTxn of the invoices and credit memos a payment touched."""
    for entity, entity_id in sorted(touched):
        row = books.get(entity, entity_id)
        if row is None:
            continue
        applied = sales.applied_to(books, entity, row)
        data = dict(row.data)
        balance = amount(Decimal(str(data.get("TotalAmt", 0))) - applied)
        links = [link for link in data.get("LinkedTxn", []) if link.get("TxnType") != "Payment"]
        links += [{"TxnId": pid, "TxnType": "Payment"} for pid in _paying(books, entity, entity_id)]
        data |= {"Balance": balance, "LinkedTxn": links}
        if entity == "CreditMemo":
            data["RemainingCredit"] = balance
        if data != row.data:
            books.update(row, data)


def _paying(books: Books, entity: str, entity_id: str) -> list[str]:
    return [
        payment.entity_id
        for payment in books.all("Payment")
        if (entity, entity_id) in targets(payment)
    ]


def void(books: Books, row: QboEntity) -> Json:
    """A voided payment keeps its lines at zero and applies nothing."""
    data = dict(row.data)
    data["Line"] = [{**line, "Amount": 0} for line in data.get("Line", [])]
    data |= {"TotalAmt": 0, "UnappliedAmt": 0}
    note = data.get("PrivateNote")
    data["PrivateNote"] = f"Voided - {note}" if note else "Voided"
    return data


def targets_of_payments(books: Books, row: QboEntity) -> list[str]:
    """Live payments that apply money to this invoice or credit memo."""
    return [pid for pid in _paying(books, row.entity, row.entity_id) if _applies(books, pid, row)]


def _applies(books: Books, payment_id: str, row: QboEntity) -> bool:
    payment = books.get("Payment", payment_id)
    if payment is None:
        return False
    for line in payment.data.get("Line", []):
        for link in line.get("LinkedTxn", []):
            same = (link.get("TxnType"), str(link.get("TxnId"))) == (row.entity, row.entity_id)
            if same and Decimal(str(line.get("Amount", 0))) > 0:
                return True
    return False
