"""Records named as people know them: by their Patchbay number or name (INV-0004,
"Harbour Lights"), never by a database id, and each ledger connection by its platform
and company ("Xero · Demo Company (UK)")."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model
from django.urls import reverse

from accounting.models import Entity
from accounting.registry import accounting_slugs
from integrations.models import Connection
from integrations.registry import platform_name
from operations.models import CreditNote, Customer, EquipmentItem, Invoice, Payment, Quote
from tenancy.models import Organisation

Ref = tuple[str, int]

# Which field names a record, by entity.
NAMED_BY: dict[str, tuple[type[Model], str]] = {
    Entity.INVOICE: (Invoice, "number"),
    Entity.CUSTOMER: (Customer, "name"),
    Entity.PAYMENT: (Payment, "reference"),
    Entity.ITEM: (EquipmentItem, "name"),
    Entity.CREDIT_NOTE: (CreditNote, "number"),
    Entity.QUOTE: (Quote, "number"),
}


def _fallback(entity: str, local_id: int) -> str:
    """A record with no number or name (a draft, a payment without a reference)."""
    kind = dict(Entity.choices).get(entity, entity)
    return f"{kind} #{local_id}"


def names_of(organisation: Organisation, refs: Iterable[Ref]) -> dict[Ref, str]:
    """Each (entity, id) by its number or name; one query per entity present."""
    wanted: dict[str, set[int]] = {}
    for entity, local_id in refs:
        wanted.setdefault(entity, set()).add(int(local_id))
    names: dict[Ref, str] = {}
    for entity, ids in wanted.items():
        named = NAMED_BY.get(entity)
        found: dict[int, Any] = {}
        if named is not None:
            model, field = named
            rows = model._default_manager.filter(organisation=organisation, pk__in=ids)
            found = dict(rows.values_list("pk", field))
        for local_id in ids:
            names[(entity, local_id)] = str(found.get(local_id) or _fallback(entity, local_id))
    return names


def page_of(entity: str, local_id: int) -> str:
    """Where a record opens in Patchbay, for the kinds that have a page."""
    if entity == Entity.INVOICE:
        return reverse("operations:invoice_detail", args=[local_id])
    return ""


def platform_of(connection: Connection) -> str:
    name = platform_name(connection)
    return f"{name} · {connection.remote_name}" if connection.remote_name else name


def ledger_connections(organisation: Organisation) -> list[tuple[int, str]]:
    """The organisation's accounting connections, disconnected ones too (their runs and
    calls stay in the logs), as (id, "Platform · company") choices."""
    rows = Connection.objects.filter(organisation=organisation, provider__in=accounting_slugs())
    return [(c.pk, platform_of(c)) for c in rows.order_by("provider", "pk")]
