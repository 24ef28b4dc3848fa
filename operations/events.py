"""The events the rental business's records raise, and the one seam they leave by.

``operations.services`` calls :func:`emit` inside the transaction of each change; the
event's ``data`` is the record's representation (``operations.representations``). What
records the event is not decided here: the webhooks outbox sits a layer above
operations, so ``webhooks`` installs its writer when the app loads
(``WebhooksConfig.ready``), the way a kind registers with the platform. The writer
runs in the caller's transaction, so a rolled-back change leaves no event. Emitting
with no writer installed is a programming error, never a silently lost event.

The catalogue below is what an endpoint may subscribe to and what the API lists.
"""

from __future__ import annotations

from typing import Any, Protocol

from operations import representations
from tenancy.models import TenantModel

EVENT_TYPES: dict[str, str] = {
    "customer.created": "A customer was added.",
    "quote.approved": "A quote was approved.",
    "invoice.created": "A draft invoice was created.",
    "invoice.issued": "An invoice was issued: it has its number and can be paid.",
    "invoice.updated": "An issued, unpaid invoice was amended (due date or lines).",
    "invoice.paid": "An invoice was paid in full.",
    "payment.recorded": "A payment was recorded against an invoice.",
    "payment.removed": "A payment was taken off its invoice (deleted in the accounting ledger).",
    "equipment.checked_out": "Booked equipment left the warehouse.",
    "equipment.returned": "Booked equipment came back.",
    "project.status_changed": "A project moved to another status.",
}


class Writer(Protocol):
    def __call__(self, organisation_id: int, event_type: str, data: dict[str, Any]) -> object: ...


_writer: Writer | None = None


def install_writer(writer: Writer) -> None:
    global _writer
    _writer = writer


def emit(event_type: str, record: TenantModel, **extra: Any) -> None:
    """Record ``event_type`` for ``record``; ``extra`` joins its representation."""
    if _writer is None:
        raise RuntimeError("No event writer installed: is webhooks in INSTALLED_APPS?")
    _writer(record.organisation_id, event_type, {**representations.of(record), **extra})
