"""Microsoft Graph's settings with their defaults, by setting name (see
accounting/providers/xero/settings.py for how config/settings/ reads them).

SERVICE in every profile: the identity platform's `common` tenant, which signs in both
work or school (Microsoft 365) and personal (Outlook.com) accounts, and Graph v1.0.
https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
SANDBOX in development and tests: the local emulator (sandbox/microsoft_graph/).
"""

SERVICE = {
    "OUTLOOK_AUTHORIZE_URL": "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
    "OUTLOOK_TOKEN_URL": "https://login.microsoftonline.com/common/oauth2/v2.0/token",
    "OUTLOOK_GRAPH_BASE": "https://graph.microsoft.com/v1.0",
    "OUTLOOK_CLIENT_ID": "",
    "OUTLOOK_CLIENT_SECRET": "",
}

SANDBOX = {
    "OUTLOOK_AUTHORIZE_URL": (
        "{PUBLIC_BASE_URL}/sandbox/microsoft-graph/login/common/oauth2/v2.0/authorize"
    ),
    "OUTLOOK_TOKEN_URL": "{PUBLIC_BASE_URL}/sandbox/microsoft-graph/login/common/oauth2/v2.0/token",
    "OUTLOOK_GRAPH_BASE": "{PUBLIC_BASE_URL}/sandbox/microsoft-graph/v1.0",
    "OUTLOOK_CLIENT_ID": "00000000-0000-4000-8000-00000000b0a7",
    "OUTLOOK_CLIENT_SECRET": "graph-sandbox-secret-not-for-production",
}
