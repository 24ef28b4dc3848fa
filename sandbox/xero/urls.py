"""Xero's endpoints under /sandbox/xero/, at Xero's own paths.

identity/connect/* stands for login.xero.com and identity.xero.com; connections
and api.xro/2.0/* for api.xero.com. No trailing slashes, as at Xero.
"""

from django.urls import path
from django.views.decorators.http import require_GET

from sandbox.xero.identity import server
from sandbox.xero.views import accounting, api, console

app_name = "xero"

urlpatterns = [
    *server.urls(),
    path(
        "identity/.well-known/openid-configuration",
        require_GET(server.openid_configuration),
        name="discovery",
    ),
    path("connections", api.connections, name="connections"),
    path("connections/<str:connection_id>", api.connection, name="connection"),
    path("api.xro/2.0/Organisation", api.organisation, name="organisation"),
    path("api.xro/2.0/Accounts", accounting.accounts, name="accounts"),
    path("api.xro/2.0/TaxRates", accounting.tax_rates, name="tax-rates"),
    path("api.xro/2.0/Contacts", accounting.contact_list, name="contacts"),
    path("api.xro/2.0/Contacts/<str:contact_id>", accounting.contact, name="contact"),
    path("api.xro/2.0/Items", accounting.item_list, name="items"),
    path("api.xro/2.0/Items/<str:item_id>", accounting.item, name="item"),
    path("api.xro/2.0/Invoices", accounting.invoice_list, name="invoices"),
    path("api.xro/2.0/Invoices/<str:invoice_id>", accounting.invoice, name="invoice"),
    path("api.xro/2.0/Payments", accounting.payment_list, name="payments"),
    path("api.xro/2.0/Payments/<str:payment_id>", accounting.payment, name="payment"),
    path("api.xro/2.0/CreditNotes", accounting.credit_note_list, name="credit-notes"),
    path(
        "api.xro/2.0/CreditNotes/<str:credit_note_id>",
        accounting.credit_note,
        name="credit-note",
    ),
    path(
        "api.xro/2.0/CreditNotes/<str:credit_note_id>/Allocations",
        accounting.allocations,
        name="allocations",
    ),
    path("api.xro/2.0/PurchaseOrders", accounting.purchase_order_list, name="purchase-orders"),
    path(
        "api.xro/2.0/PurchaseOrders/<str:purchase_order_id>",
        accounting.purchase_order,
        name="purchase-order",
    ),
    path("console/", console.console.as_view(), name="console"),
]
