"""Xero's settings with their defaults, by setting name.

config/settings/ sets each from the environment variable of its name, else from
here: SERVICE in every profile (the real service; production's credentials come
from the app registered at Xero), then SANDBOX in development and tests (the local
emulator, sandbox/xero/, and the app registered there).
"""

SERVICE = {
    # https://developer.xero.com/documentation/guides/oauth2/auth-flow/
    "XERO_AUTHORIZE_URL": "https://login.xero.com/identity/connect/authorize",
    "XERO_TOKEN_URL": "https://identity.xero.com/connect/token",
    "XERO_REVOCATION_URL": "https://identity.xero.com/connect/revocation",
    "XERO_CONNECTIONS_URL": "https://api.xero.com/connections",
    "XERO_API_BASE": "https://api.xero.com/api.xro/2.0",
    "XERO_CLIENT_ID": "",
    "XERO_CLIENT_SECRET": "",
    # The app's webhook signing key (Xero shows it on the app's Webhooks page).
    "XERO_WEBHOOK_KEY": "",
    # Where a pushed document opens in Xero ({id}: its InvoiceID or CreditNoteID). These
    # open in the organisation the person last used in Xero; the short-code forms need the
    # organisation's ShortCode, which Patchbay does not read.
    # https://developer.xero.com/documentation/guides/how-to-guides/deep-link-xero/
    "XERO_INVOICE_WEB_URL": "https://go.xero.com/AccountsReceivable/View.aspx?InvoiceID={{id}}",
    "XERO_CREDIT_NOTE_WEB_URL": (
        "https://go.xero.com/AccountsReceivable/ViewCreditNote.aspx?creditNoteID={{id}}"
    ),
}

SANDBOX = {
    "XERO_AUTHORIZE_URL": "{PUBLIC_BASE_URL}/sandbox/xero/identity/connect/authorize",
    "XERO_TOKEN_URL": "{PUBLIC_BASE_URL}/sandbox/xero/identity/connect/token",
    "XERO_REVOCATION_URL": "{PUBLIC_BASE_URL}/sandbox/xero/identity/connect/revocation",
    "XERO_CONNECTIONS_URL": "{PUBLIC_BASE_URL}/sandbox/xero/connections",
    "XERO_API_BASE": "{PUBLIC_BASE_URL}/sandbox/xero/api.xro/2.0",
    "XERO_CLIENT_ID": "patchbay-sandbox-app",
    "XERO_CLIENT_SECRET": "sandbox-client-secret-not-for-production",
    "XERO_WEBHOOK_KEY": "xero-sandbox-webhook-key-not-for-production",
    # The sandbox console shows one tenant's invoice ({tenant}: the Xero tenant id).
    "XERO_INVOICE_WEB_URL": (
        "{PUBLIC_BASE_URL}/sandbox/xero/console/?tenant={{tenant}}&invoice={{id}}#invoice-heading"
    ),
    "XERO_CREDIT_NOTE_WEB_URL": "{PUBLIC_BASE_URL}/sandbox/xero/console/?tenant={{tenant}}",
}
