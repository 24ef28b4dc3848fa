"""Django looks for an app's models in `sandbox.models`; each provider keeps its own."""

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
    "XeroApiCall",
    "XeroAuthorizationCode",
    "XeroConnection",
    "XeroFault",
    "XeroGrant",
    "XeroOrganisation",
    "XeroRefreshPresentation",
    "XeroToken",
    "XeroUser",
]
