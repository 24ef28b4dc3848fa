"""Which account mappings a connection needs before its first sync."""

from __future__ import annotations

from accounting.models import AccountMapping
from accounting.registry import adapter_class_for
from integrations.models import Connection
from operations.models import EquipmentItem, IncomeCategory, TaxCategory

Kind = AccountMapping.Kind
# Asked for only where the ledger holds stock items and the organisation sells stock.
STOCK_ACCOUNTS = (
    (Kind.INVENTORY_ASSET, "the inventory asset account (for items sold as stock)"),
    (Kind.COST_OF_SALES, "the cost of sales account (for items sold as stock)"),
)


def missing_mappings(connection: Connection) -> list[str]:
    """Names of what is still unmapped (a constant number of queries). Classes and
    locations are optional and never missing."""
    mapped = set(
        AccountMapping.objects.filter(connection=connection).values_list("kind", "local_id")
    )
    organisation = connection.organisation_id
    missing = [
        f"income category {name}"
        for pk, name in IncomeCategory.objects.filter(organisation_id=organisation).values_list(
            "pk", "name"
        )
        if (Kind.INCOME, pk) not in mapped
    ]
    missing += [
        f"tax category {name}"
        for pk, name in TaxCategory.objects.filter(organisation_id=organisation).values_list(
            "pk", "name"
        )
        if (Kind.TAX, pk) not in mapped
    ]
    if (Kind.PAYMENT_ACCOUNT, 0) not in mapped:
        missing.append("the account payments are recorded against")
    unmapped_stock = [label for kind, label in STOCK_ACCOUNTS if (kind, 0) not in mapped]
    if unmapped_stock and sells_stock(connection):
        missing += unmapped_stock
    return missing


def sells_stock(connection: Connection) -> bool:
    """The connection's ledger holds stock items and the organisation sells some."""
    try:
        holds_stock = bool(adapter_class_for(connection.provider).sells_stock)
    except LookupError:  # a provider without a sync adapter
        return False
    return (
        holds_stock
        and EquipmentItem.objects.filter(
            organisation_id=connection.organisation_id, sold_as_stock=True
        ).exists()
    )
