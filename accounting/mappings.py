"""Which account mappings a connection needs before its first sync."""

from __future__ import annotations

from accounting.models import AccountMapping
from integrations.models import Connection
from operations.models import IncomeCategory, TaxCategory


def missing_mappings(connection: Connection) -> list[str]:
    """Names of what is still unmapped (a constant number of queries)."""
    mapped = set(
        AccountMapping.objects.filter(connection=connection).values_list("kind", "local_id")
    )
    organisation = connection.organisation_id
    missing = [
        f"income category {name}"
        for pk, name in IncomeCategory.objects.filter(organisation_id=organisation).values_list(
            "pk", "name"
        )
        if (AccountMapping.Kind.INCOME, pk) not in mapped
    ]
    missing += [
        f"tax category {name}"
        for pk, name in TaxCategory.objects.filter(organisation_id=organisation).values_list(
            "pk", "name"
        )
        if (AccountMapping.Kind.TAX, pk) not in mapped
    ]
    if (AccountMapping.Kind.PAYMENT_ACCOUNT, 0) not in mapped:
        missing.append("the account payments are recorded against")
    return missing
