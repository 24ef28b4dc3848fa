"""Beat tasks of the rental business's own records."""

from __future__ import annotations

from celery import shared_task

from operations import contracts


@shared_task
def issue_contract_invoices() -> dict[str, int]:
    """Hourly: issue every recurring contract invoice that is due (each period once)."""
    result = contracts.scan()
    return {"issued": result.issued, "refused": result.refused}
