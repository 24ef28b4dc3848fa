"""Every resource of the accounting API, registered in the order the URLs list them."""

from __future__ import annotations

from sandbox.sage.accounting import (
    allocations,
    artefacts,
    contacts,
    items,
    ledger,
    payments,
)
from sandbox.sage.accounting.resources import REGISTRY, Resource

__all__ = ["allocations", "artefacts", "contacts", "items", "ledger", "payments"]


def all_resources() -> list[Resource]:
    return list(REGISTRY.values())
