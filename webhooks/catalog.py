"""The events an endpoint can subscribe to. Names follow Standard Webhooks' dotted style."""

from __future__ import annotations

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
# Sent only by "Send test event", to one endpoint, whatever it subscribes to.
TEST_EVENT = "webhook.test"

CHOICES = [(name, f"{name} — {text}") for name, text in EVENT_TYPES.items()]
