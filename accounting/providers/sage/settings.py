"""Sage Business Cloud Accounting's settings with their defaults, by setting name.

config/settings/ sets each from the environment variable of its name, else from
here: SERVICE in every profile (API v3.1; production's credentials come from the app
registered at Sage), then SANDBOX in development and tests (the local emulator,
sandbox/sage/, and the app registered there).
"""

SERVICE = {
    # The real hosts differ per step: the consent screen at www.sageone.com, tokens at
    # oauth.accounting.sage.com, the API at api.accounting.sage.com.
    # https://developer.sage.com/accounting/guides/authenticating/authentication
    # The authorize URL carries `filter=apiv3.1` itself: add the other parameters with "&".
    "SAGE_AUTHORIZE_URL": "https://www.sageone.com/oauth2/auth/central?filter=apiv3.1",
    "SAGE_TOKEN_URL": "https://oauth.accounting.sage.com/token",
    "SAGE_REVOKE_URL": "https://oauth.accounting.sage.com/revoke",
    "SAGE_API_BASE": "https://api.accounting.sage.com/v3.1",
    "SAGE_CLIENT_ID": "",
    "SAGE_CLIENT_SECRET": "",
}

SANDBOX = {
    "SAGE_AUTHORIZE_URL": "{PUBLIC_BASE_URL}/sandbox/sage/oauth2/auth/central?filter=apiv3.1",
    "SAGE_TOKEN_URL": "{PUBLIC_BASE_URL}/sandbox/sage/oauth/token",
    "SAGE_REVOKE_URL": "{PUBLIC_BASE_URL}/sandbox/sage/oauth/revoke",
    "SAGE_API_BASE": "{PUBLIC_BASE_URL}/sandbox/sage/v3.1",
    "SAGE_CLIENT_ID": "patchbay-sage-sandbox",
    "SAGE_CLIENT_SECRET": "sage-sandbox-secret-not-for-production",
}
