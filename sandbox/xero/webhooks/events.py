"""Which changes a write made, as Xero webhook events.

Every write stamps what it changed with one UpdatedDateUTC (`books.now`), so the records
carrying that stamp are exactly the write's changes; one created during the write is a
CREATE, anything else an UPDATE (archiving and status changes included, as at Xero).
Only contacts, invoices and credit notes have webhooks; payments show up as the UPDATE
of the invoice they paid. Events are owed to each app that has the organisation
connected and a subscription in state OK; they are sent after the write commits.
https://developer.xero.com/documentation/guides/webhooks/overview/
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction

from sandbox.xero.accounting.context import Books
from sandbox.xero.accounting.models import XeroContact, XeroCreditNote, XeroInvoice
from sandbox.xero.models import XeroConnection
from sandbox.xero.webhooks import sender
from sandbox.xero.webhooks.models import XeroWebhookEvent, XeroWebhookSubscription


@dataclass(frozen=True)
class Category:
    name: str  # eventCategory
    model: type[models.Model]
    id_field: str
    plural: str  # the API path the resourceUrl points at


CATEGORIES = (
    Category("CONTACT", XeroContact, "contact_id", "Contacts"),
    Category("INVOICE", XeroInvoice, "invoice_id", "Invoices"),
    Category("CREDITNOTE", XeroCreditNote, "credit_note_id", "CreditNotes"),
)


def record(books: Books) -> int:
    """Owe an event per record `books` changed to every subscribed app; send on commit."""
    apps = subscribed_apps(books)
    if not apps:
        return 0
    owed = [_event(app, books, category, row) for app in apps for category, row in _changed(books)]
    if owed:
        XeroWebhookEvent.objects.bulk_create(owed)
        transaction.on_commit(sender.dispatch)
    return len(owed)


def subscribed_apps(books: Books) -> list[str]:
    connected = XeroConnection.objects.filter(
        organisation=books.organisation, grant__revoked_at__isnull=True
    ).values("grant__client_id")
    rows = XeroWebhookSubscription.objects.filter(
        client_id__in=connected, status=XeroWebhookSubscription.Status.OK
    )
    return sorted(rows.values_list("client_id", flat=True))


def _changed(books: Books) -> Iterator[tuple[Category, Any]]:
    for category in CATEGORIES:
        rows = category.model._default_manager.filter(
            organisation=books.organisation, updated_at=books.now
        )
        for row in rows.order_by("pk"):
            yield category, row


def _event(app: str, books: Books, category: Category, row: Any) -> XeroWebhookEvent:
    resource_id = getattr(row, category.id_field)
    return XeroWebhookEvent(
        client_id=app,
        tenant_id=books.organisation.tenant_id,
        tenant_type=books.organisation.tenant_type,
        category=category.name,
        event_type="CREATE" if row.created_at >= books.now else "UPDATE",
        resource_id=resource_id,
        resource_url=f"{settings.XERO_API_BASE}/{category.plural}/{resource_id}",
        event_date=books.now,
        data={"Type": row.type, "Status": row.status} if category.name == "CREDITNOTE" else None,
    )
