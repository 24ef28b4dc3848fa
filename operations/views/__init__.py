"""Invoice pages. Every view asks for a capability and reaches rows only through scoping."""

from operations.views.drafts import invoice_create
from operations.views.invoices import invoice_detail, invoice_issue, invoice_list
from operations.views.payments import payment_create

__all__ = ["invoice_create", "invoice_detail", "invoice_issue", "invoice_list", "payment_create"]
