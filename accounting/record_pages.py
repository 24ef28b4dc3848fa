"""Accounting's part of the operations pages: where a record stands in each ledger (a
panel on its page) and the invoice list's filter by that standing. Registered with
operations.extensions in AccountingConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from accounting import standing
from accounting.models import Entity
from operations import extensions
from operations.models import Invoice
from tenancy.access import has_capability
from tenancy.roles import Capability


def invoice_panel(request: HttpRequest, record: Model) -> extensions.Panel | None:
    if not isinstance(record, Invoice):
        return None
    # The ledgers that sync this invoice, read once for its panel's three parts.
    connections = standing.syncing_connections(record.organisation, record.legal_entity_id)
    return extensions.Panel(
        "accounting/_record_standing.html",
        {
            "entity": Entity.INVOICE.value,
            "record": record,
            "record_name": str(record),
            "ledgers": standing.of_invoice(record, connections),
            "payments": standing.of_payments(record, connections),
            "credit_notes": standing.of_credit_notes(record, connections),
            "can_act": has_capability(request, Capability.RESOLVE_CONFLICTS),
            "can_connect": has_capability(request, Capability.MANAGE_CONNECTIONS),
            "can_include_before_start": has_capability(
                request, Capability.EDIT_INTEGRATION_SETTINGS
            ),
        },
    )


def _filter_invoices(invoices: QuerySet[Any], organisation_id: int, chosen: str) -> Any:
    return standing.filter_invoices(invoices, organisation_id, chosen)


def register() -> None:
    extensions.add_panel(Invoice, invoice_panel)
    extensions.add_list_filter(
        Invoice,
        extensions.ListFilter("ledger", "In the ledger", standing.FILTERS, _filter_invoices),
    )
