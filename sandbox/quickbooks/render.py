"""Entities as the API writes them: the stored fields plus Id, SyncToken, MetaData and the
`domain`/`sparse` attributes; deleted ones as `status: "Deleted"` stubs. Fields whose
names start with "_" are the sandbox's own and never leave it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sandbox.quickbooks.clock import wire
from sandbox.quickbooks.models import QboEntity
from sandbox.quickbooks.store import Books

Json = dict[str, Any]


def entity(books: Books, row: QboEntity) -> Json:
    if row.deleted_at is not None:
        return deleted(row)
    body: Json = {
        "domain": "QBO",
        "sparse": False,
        "Id": row.entity_id,
        "SyncToken": str(row.sync_token),
        "MetaData": {"CreateTime": wire(row.created_at), "LastUpdatedTime": wire(row.updated_at)},
    }
    body |= {key: value for key, value in row.data.items() if not key.startswith("_")}
    if row.entity == "Customer":
        balance = customer_balances(books).get(row.entity_id, Decimal(0))
        body |= {"Balance": float(balance), "BalanceWithJobs": float(balance)}
    return body


def deleted(row: QboEntity) -> Json:
    """What Intuit returns for a deleted object (CDC, and the delete call itself)."""
    return {
        "domain": "QBO",
        "status": "Deleted",
        "Id": row.entity_id,
        "MetaData": {"LastUpdatedTime": wire(row.updated_at)},
    }


def customer_balances(books: Books) -> dict[str, Decimal]:
    """Open invoice balances less unused credit and unapplied payments, per customer;
    computed once per request."""
    cached = books.memo.get("customer_balances")
    if cached is not None:
        return dict(cached)
    balances: dict[str, Decimal] = {}
    signs = {
        "Invoice": ("Balance", 1),
        "CreditMemo": ("Balance", -1),
        "Payment": ("UnappliedAmt", -1),
    }
    for entity_name, (field, sign) in signs.items():
        for row in books.all(entity_name):
            customer = str((row.data.get("CustomerRef") or {}).get("value", ""))
            value = Decimal(str(row.data.get(field, 0))) * sign
            balances[customer] = balances.get(customer, Decimal(0)) + value
    books.memo["customer_balances"] = balances
    return dict(balances)
