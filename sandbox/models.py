"""Django looks for an app's models in `sandbox.models`; each provider keeps its own."""

from sandbox.xero.accounting.models import (
    XeroAccount,
    XeroAllocation,
    XeroContact,
    XeroCreditNote,
    XeroCreditNoteLine,
    XeroIdempotentRequest,
    XeroInvoice,
    XeroInvoiceLine,
    XeroItem,
    XeroPayment,
    XeroTaxRate,
)
from sandbox.xero.models import (
    XeroApiCall,
    XeroAuthorizationCode,
    XeroConnection,
    XeroFault,
    XeroGrant,
    XeroOrganisation,
    XeroRefreshPresentation,
    XeroToken,
    XeroUser,
)

__all__ = [
    "XeroAccount",
    "XeroAllocation",
    "XeroApiCall",
    "XeroAuthorizationCode",
    "XeroConnection",
    "XeroContact",
    "XeroCreditNote",
    "XeroCreditNoteLine",
    "XeroFault",
    "XeroGrant",
    "XeroIdempotentRequest",
    "XeroInvoice",
    "XeroInvoiceLine",
    "XeroItem",
    "XeroOrganisation",
    "XeroPayment",
    "XeroRefreshPresentation",
    "XeroTaxRate",
    "XeroToken",
    "XeroUser",
]
