"""QuickBooks Online's settings with their defaults, by setting name.

config/settings/ sets each from the environment variable of its name, else from
here: SERVICE in every profile (Intuit's OAuth 2.0 and the Accounting API v3;
production's credentials come from the app registered at Intuit), then SANDBOX in
development and tests (the local emulator, sandbox/quickbooks/, and the app
registered there).
"""

SERVICE = {
    # https://developer.intuit.com/.well-known/openid-sandbox-configuration
    "QUICKBOOKS_AUTHORIZE_URL": "https://appcenter.intuit.com/connect/oauth2",
    "QUICKBOOKS_TOKEN_URL": "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",
    "QUICKBOOKS_REVOCATION_URL": "https://developer.api.intuit.com/v2/oauth2/tokens/revoke",
    # OpenID Connect: the ID token binds the code to the consent Patchbay started (its
    # nonce). One issuer and key set serve Intuit's production and sandbox environments.
    "QUICKBOOKS_ISSUER": "https://oauth.platform.intuit.com/op/v1",
    "QUICKBOOKS_JWKS_URL": "https://oauth.platform.intuit.com/op/v1/jwks",
    # The company's API root is f"{QUICKBOOKS_API_BASE}/v3/company/{realmId}".
    "QUICKBOOKS_API_BASE": "https://quickbooks.api.intuit.com",
    # Intuit's sandbox environment (sandbox companies of a development app), which an
    # organisation may choose on its QuickBooks settings page.
    "QUICKBOOKS_SANDBOX_API_BASE": "https://sandbox-quickbooks.api.intuit.com",
    "QUICKBOOKS_CLIENT_ID": "",
    "QUICKBOOKS_CLIENT_SECRET": "",
    # The app's webhook verifier token (Intuit shows it in the developer portal).
    "QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN": "",
    # Every call pins it: from August 2025 Intuit ignores 1-74 and treats requests as 75.
    "QUICKBOOKS_MINOR_VERSION": "75",
    # Where a pushed transaction opens in QuickBooks' web app ({kind}: invoice,
    # creditmemo or estimate; {id}: its Id), for production and for Intuit's sandbox
    # companies. {realm} is the company's realmId (the web app opens the company the
    # person last used).
    "QUICKBOOKS_WEB_URL": "https://app.qbo.intuit.com/app/{{kind}}?txnId={{id}}",
    "QUICKBOOKS_SANDBOX_WEB_URL": "https://app.sandbox.qbo.intuit.com/app/{{kind}}?txnId={{id}}",
}

SANDBOX = {
    "QUICKBOOKS_AUTHORIZE_URL": "{PUBLIC_BASE_URL}/sandbox/quickbooks/connect/oauth2",
    "QUICKBOOKS_TOKEN_URL": "{PUBLIC_BASE_URL}/sandbox/quickbooks/oauth2/v1/tokens/bearer",
    "QUICKBOOKS_REVOCATION_URL": "{PUBLIC_BASE_URL}/sandbox/quickbooks/v2/oauth2/tokens/revoke",
    "QUICKBOOKS_ISSUER": "{PUBLIC_BASE_URL}/sandbox/quickbooks/op/v1",
    "QUICKBOOKS_JWKS_URL": "{PUBLIC_BASE_URL}/sandbox/quickbooks/op/v1/jwks",
    "QUICKBOOKS_API_BASE": "{PUBLIC_BASE_URL}/sandbox/quickbooks",
    # Locally one emulator plays both of Intuit's environments.
    "QUICKBOOKS_SANDBOX_API_BASE": "{PUBLIC_BASE_URL}/sandbox/quickbooks",
    "QUICKBOOKS_CLIENT_ID": "patchbay-qbo-sandbox-app",
    "QUICKBOOKS_CLIENT_SECRET": "qbo-sandbox-client-secret-not-for-production",
    "QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN": "qbo-sandbox-verifier-token",
    # The local console shows one company's invoice.
    "QUICKBOOKS_WEB_URL": (
        "{PUBLIC_BASE_URL}/sandbox/quickbooks/console/?realm={{realm}}&invoice={{id}}#invoice-heading"
    ),
    "QUICKBOOKS_SANDBOX_WEB_URL": (
        "{PUBLIC_BASE_URL}/sandbox/quickbooks/console/?realm={{realm}}&invoice={{id}}#invoice-heading"
    ),
}
