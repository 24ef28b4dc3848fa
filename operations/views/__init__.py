"""Invoice, equipment and legal entity pages. Every view asks for a capability and
reaches rows only through scoping."""

from operations.views.bookings import booking_check_out, booking_list, booking_return
from operations.views.drafts import invoice_create
from operations.views.invoices import invoice_detail, invoice_issue, invoice_list
from operations.views.legal_entities import legal_entity_list, legal_entity_rename
from operations.views.payments import payment_create
from operations.views.purchase_orders import (
    purchase_order_approve,
    purchase_order_bill,
    purchase_order_create,
    purchase_order_detail,
    purchase_order_list,
    purchase_order_receive,
)
from operations.views.timesheets import (
    timesheet_approvals,
    timesheet_approve,
    timesheet_mine,
    timesheet_reject,
)

__all__ = [
    "booking_check_out",
    "booking_list",
    "booking_return",
    "invoice_create",
    "invoice_detail",
    "invoice_issue",
    "invoice_list",
    "legal_entity_list",
    "legal_entity_rename",
    "payment_create",
    "purchase_order_approve",
    "purchase_order_bill",
    "purchase_order_create",
    "purchase_order_detail",
    "purchase_order_list",
    "purchase_order_receive",
    "timesheet_approvals",
    "timesheet_approve",
    "timesheet_mine",
    "timesheet_reject",
]
