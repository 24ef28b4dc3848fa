"""What a Xero organisation's books hold, one module per kind of record."""

from sandbox.xero.accounting.models.contacts import XeroContact
from sandbox.xero.accounting.models.documents import (
    XeroCreditNote,
    XeroCreditNoteLine,
    XeroInvoice,
    XeroInvoiceLine,
)
from sandbox.xero.accounting.models.idempotency import XeroIdempotentRequest
from sandbox.xero.accounting.models.items import XeroItem
from sandbox.xero.accounting.models.ledger import XeroAccount, XeroTaxRate
from sandbox.xero.accounting.models.payments import XeroAllocation, XeroPayment
from sandbox.xero.accounting.models.purchase_orders import (
    XeroPurchaseOrder,
    XeroPurchaseOrderLine,
)

__all__ = [
    "XeroAccount",
    "XeroAllocation",
    "XeroContact",
    "XeroCreditNote",
    "XeroCreditNoteLine",
    "XeroIdempotentRequest",
    "XeroInvoice",
    "XeroInvoiceLine",
    "XeroItem",
    "XeroPayment",
    "XeroPurchaseOrder",
    "XeroPurchaseOrderLine",
    "XeroTaxRate",
]
