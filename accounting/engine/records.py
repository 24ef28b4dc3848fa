"""Patchbay's side of the two-way entities (customers and equipment items): find, match,
create and update them from what a ledger holds, through the operations services."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Q, QuerySet

from accounting.engine.adapter import AccountingAdapter
from accounting.models import Entity, ExternalRef
from integrations.models import Connection
from integrations.registry import platform_name
from operations import services
from operations.models import Customer, EquipmentCategory, EquipmentItem

TWO_WAY = (Entity.CUSTOMER, Entity.ITEM)
LocalRecord = Customer | EquipmentItem
Q_ = TypeVar("Q_", bound=QuerySet[Any])


def of_entity(rows: Q_, connection: Connection) -> Q_:
    """The rows a connection syncs: a connection bound to a legal entity (its own books)
    sees that entity's customers and documents only; an unbound one sees all."""
    if connection.legal_entity_id is None:
        return rows
    return rows.filter(legal_entity_id=connection.legal_entity_id)


def _rows(connection: Connection, entity: str) -> QuerySet[Any]:
    if entity == Entity.CUSTOMER:
        return of_entity(
            Customer.objects.filter(organisation_id=connection.organisation_id), connection
        )
    return EquipmentItem.objects.filter(organisation_id=connection.organisation_id)


def get(connection: Connection, entity: str, local_id: int) -> LocalRecord | None:
    found: LocalRecord | None = _rows(connection, entity).filter(pk=local_id).first()
    return found


def payload(adapter: AccountingAdapter, entity: str, record: LocalRecord) -> dict[str, Any]:
    if isinstance(record, Customer):
        return adapter.customer_payload(record)
    return adapter.item_payload(record)


def candidates(connection: Connection, entity: str, fields: dict[str, Any]) -> list[int]:
    """Patchbay records not yet linked that a new remote record could be: same name or
    email for a customer, same SKU or name for an item (case-insensitive)."""
    # Records linked to a remote twin are out; a failed or held push is still a candidate.
    linked = (
        ExternalRef.objects.filter(connection=connection, entity=entity)
        .exclude(remote_id="")
        .values("local_id")
    )
    key = "email" if entity == Entity.CUSTOMER else "sku"
    same = Q(name__iexact=fields["name"])
    if fields.get(key):
        same |= Q(**{f"{key}__iexact": fields[key]})
    rows = _rows(connection, entity).filter(same)
    return sorted(rows.exclude(pk__in=linked).values_list("pk", flat=True))


def create(connection: Connection, entity: str, fields: dict[str, Any]) -> LocalRecord:
    organisation = connection.organisation
    if entity == Entity.CUSTOMER:
        # A customer made in a legal entity's books belongs to that entity.
        if connection.legal_entity_id is not None:
            fields = {**fields, "legal_entity": connection.legal_entity}
        return services.create_customer(organisation, **fields)
    # Items made in the ledger land in a category of their own, for someone to sort.
    category, _ = EquipmentCategory.objects.get_or_create(
        organisation=organisation,
        name=f"Imported from {platform_name(connection)}",
        defaults={"visibility": EquipmentCategory.Visibility.INTERNAL},
    )
    return EquipmentItem.objects.create(organisation=organisation, category=category, **fields)


def update(record: LocalRecord, fields: dict[str, Any]) -> None:
    if isinstance(record, Customer):
        services.update_customer(record, **fields)
        return
    for name, value in fields.items():
        setattr(record, name, value)
    record.save()
