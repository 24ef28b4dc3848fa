"""Accounting's panel on a customer's page: the invoices and payments the ledger holds
for the customer that Patchbay did not make (the ledger mirror, accounting.engine.mirror),
with the ledger's balance beside Patchbay's. Read from the mirror alone: a page load
never calls the provider. Registered with operations.extensions in AccountingConfig.ready().
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Model
from django.http import HttpRequest

from accounting.models import LedgerDocument
from accounting.standing import syncing_connections
from integrations.models import Connection
from integrations.registry import platform_name
from operations import accounts, extensions
from operations.models import Customer
from tenancy.scoping import scoped

# The most recent ledger invoices and payments shown per ledger.
SHOWN = 50


@dataclass(frozen=True)
class LedgerAccount:
    """What one connected ledger holds for the customer beyond Patchbay's documents."""

    connection: Connection
    ledger: str
    synced_at: datetime | None
    invoices: list[LedgerDocument]
    payments: list[LedgerDocument]
    invoice_count: int
    balances: list[tuple[str, Decimal]] = field(default_factory=list)


def _account(request: HttpRequest, connection: Connection, customer: Customer) -> LedgerAccount:
    rows = scoped(request, LedgerDocument).filter(connection=connection, customer=customer)
    invoices = rows.filter(kind=LedgerDocument.Kind.INVOICE).exclude(
        status=LedgerDocument.Status.DELETED
    )
    payments = rows.filter(kind=LedgerDocument.Kind.PAYMENT).select_related("invoice")
    owed: dict[str, Decimal] = {}
    for invoice in invoices.filter(status__in=OPEN):
        owed[invoice.currency] = owed.get(invoice.currency, Decimal(0)) + invoice.amount_due
    return LedgerAccount(
        connection=connection,
        ledger=platform_name(connection),
        synced_at=connection.last_sync_at,
        invoices=list(invoices.order_by("-issued_on", "-pk")[:SHOWN]),
        payments=list(payments.order_by("-issued_on", "-pk")[:SHOWN]),
        invoice_count=invoices.count(),
        balances=sorted(owed.items()),
    )


OPEN = (LedgerDocument.Status.ISSUED, LedgerDocument.Status.PARTIALLY_PAID)


def customer_panel(request: HttpRequest, record: Model) -> extensions.Panel | None:
    if not isinstance(record, Customer):
        return None
    connections = syncing_connections(record.organisation, record.legal_entity_id)
    if not connections:
        return None
    ledgers = [_account(request, connection, record) for connection in connections]
    patchbay = accounts.balances(record)
    full: dict[str, Decimal] = dict(patchbay)
    for ledger in ledgers:
        for currency, due in ledger.balances:
            full[currency] = full.get(currency, Decimal(0)) + due
    return extensions.Panel(
        "accounting/_ledger_mirror.html",
        {
            "customer": record,
            "ledgers": ledgers,
            "full_balances": sorted(full.items()),
        },
    )


def register() -> None:
    extensions.add_panel(Customer, customer_panel)
