"""Connecting Patchbay to the QuickBooks sandbox with the Django test client, and
mapping a connection to the sandbox company's income accounts, tax codes and accounts."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.test import Client

from accounting.engine.adapter import RemoteChoice
from accounting.engine.sync import adapter_for
from accounting.models import AccountMapping
from integrations.models import Connection
from operations.models import ExpenseCategory, IncomeCategory, TaxCategory
from sandbox.quickbooks import books
from sandbox.quickbooks.seed import SANDBOX_USER, UK_REALM, US_REALM

__all__ = ["UK_REALM", "US_REALM"]
CONNECT = "/settings/integrations/quickbooks/connect/"


def local(url: str) -> str:
    """The test client speaks to this process whatever the host: keep path and query."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def consent_location(client: Client, realm_id: str, legal_entity: int | None = None) -> str:
    """Connect in Patchbay, sign in at Intuit and pick the company: the callback URL."""
    data = {"legal_entity": str(legal_entity)} if legal_entity else {}
    authorize = client.post(CONNECT, data)["Location"]
    sign_in = client.get(local(authorize))["Location"]
    consent = client.post(local(sign_in), {"user": SANDBOX_USER})["Location"]
    callback = client.post(local(consent), {"action": "connect", "company": realm_id})
    return str(callback["Location"])


def connect(client: Client, realm_id: str = US_REALM, legal_entity: int | None = None) -> Any:
    """The whole consent, ending at Patchbay's callback; returns the callback's answer."""
    return client.get(local(consent_location(client, realm_id, legal_entity)))


def connection_for(realm_id: str) -> Connection:
    return Connection.objects.select_related("organisation", "legal_entity").get(
        remote_id=realm_id, provider="quickbooks"
    )


def tax_code(realm_id: str) -> str:
    return "TAX" if books.company(realm_id).is_us else "3"  # UK: 20.0% S


def income_choice(choices: list[RemoteChoice]) -> RemoteChoice:
    """The company's first income account among the mapping choices (the only choices
    without a kind: banks, stock and cost accounts carry one)."""
    return next(c for c in choices if not c.kind and not c.accepts_payments)


def service_item(realm_id: str, account_id: str) -> dict[str, Any]:
    """The service item Patchbay keeps in the sandbox company for an income account."""
    found: list[dict[str, Any]] = [
        {**row.data, "Id": row.entity_id}
        for row in books.items_of(realm_id)
        if row.data.get("Sku") == f"PB-INCOME-{account_id}"
    ]
    [row] = found
    return row


def map_everything(connection: Connection) -> None:
    """Income categories to the company's first income account, tax categories to its
    standard code, payments to Undeposited Funds, expense categories (purchase orders)
    to its first expense account: chosen from the adapter's own lists."""
    adapter = adapter_for(connection, None)
    choices = adapter.accounts()
    item = income_choice(choices)
    deposit = next(c for c in choices if c.accepts_payments and "Undeposited" in c.name)
    organisation = connection.organisation
    rows = [
        (AccountMapping.Kind.INCOME, c.pk, item.code)
        for c in IncomeCategory.objects.filter(organisation=organisation)
    ]
    rows += [
        (AccountMapping.Kind.TAX, t.pk, tax_code(connection.remote_id))
        for t in TaxCategory.objects.filter(organisation=organisation)
    ]
    rows.append((AccountMapping.Kind.PAYMENT_ACCOUNT, 0, deposit.code))
    [expense, *_] = adapter.expense_accounts()
    rows += [
        (AccountMapping.Kind.EXPENSE, c.pk, expense.code)
        for c in ExpenseCategory.objects.filter(organisation=organisation)
    ]
    for kind, local_id, code in rows:
        AccountMapping.objects.update_or_create(
            connection=connection,
            kind=kind,
            local_id=local_id,
            defaults={"organisation": organisation, "remote_code": code},
        )
