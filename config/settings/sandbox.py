"""The sandbox (sandbox/: the providers' local emulators): development and test only.

Its apps, its SANDBOX_* settings, and the providers' settings pointed at it. The
sandbox's code is reached by dotted names only: nothing outside development settings
and tests imports it (.importlinter). The lifetimes and limits default to the real
providers'; tests shorten them.
"""

from __future__ import annotations

from accounting.providers.quickbooks import settings as quickbooks
from accounting.providers.sage import settings as sage
from accounting.providers.xero import settings as xero
from calendars.providers.google import settings as google_calendar
from calendars.providers.icloud import settings as icloud
from calendars.providers.outlook import settings as outlook
from config.settings.base import PUBLIC_BASE_URL, env, from_environment

SANDBOX_ENABLED = True
SANDBOX_APPS = [
    "sandbox",
    "sandbox.sage",
    "sandbox.quickbooks",
    "sandbox.xero.webhooks",
    "sandbox.google_calendar",
    "sandbox.microsoft_graph",
]

# Every provider URL at its emulator, and the credentials of the app registered there.
_pointed_at_sandbox = {
    **from_environment(quickbooks.SANDBOX, PUBLIC_BASE_URL=PUBLIC_BASE_URL),
    **from_environment(sage.SANDBOX, PUBLIC_BASE_URL=PUBLIC_BASE_URL),
    **from_environment(xero.SANDBOX, PUBLIC_BASE_URL=PUBLIC_BASE_URL),
    **from_environment(google_calendar.SANDBOX, PUBLIC_BASE_URL=PUBLIC_BASE_URL),
    **from_environment(outlook.SANDBOX, PUBLIC_BASE_URL=PUBLIC_BASE_URL),
    **from_environment(icloud.SANDBOX, ICLOUD_SANDBOX_PORT=env.str("ICLOUD_SANDBOX_PORT", "5232")),
}
globals().update(_pointed_at_sandbox)


def _callbacks(provider: str) -> list[str]:
    """The redirect URIs registered for a provider's sandbox app (exact match, as at the
    providers): both spellings of the local host, so either keeps the browser's session."""
    path = f"/settings/integrations/{provider}/callback/"
    return [
        f"{PUBLIC_BASE_URL}{path}",
        f"{PUBLIC_BASE_URL.replace('127.0.0.1', 'localhost')}{path}",
    ]


def _webhook(provider: str, path: str = "webhook") -> str:
    return f"{PUBLIC_BASE_URL}/settings/integrations/{provider}/{path}/"


_DAY = 24 * 3600

# --- Xero (sandbox/xero/) ---------------------------------------------------------
SANDBOX_XERO_ACCESS_TOKEN_SECONDS = env.int("SANDBOX_XERO_ACCESS_TOKEN_SECONDS", 1800)
SANDBOX_XERO_REFRESH_TOKEN_SECONDS = env.int("SANDBOX_XERO_REFRESH_TOKEN_SECONDS", 60 * _DAY)
SANDBOX_XERO_REFRESH_GRACE_SECONDS = env.int("SANDBOX_XERO_REFRESH_GRACE_SECONDS", 1800)
SANDBOX_XERO_CODE_SECONDS = env.int("SANDBOX_XERO_CODE_SECONDS", 300)
SANDBOX_XERO_REDIRECT_URIS = env.list(
    "SANDBOX_XERO_REDIRECT_URIS", _callbacks("xero"), subcast=str.strip
)
# The webhook sender (sandbox/xero/webhooks/): where the app's subscription points, and
# its key (the app's, as at Xero). Nothing is sent until the subscription passes the
# intent-to-receive check (console: "Send intent to receive").
SANDBOX_XERO_WEBHOOK_URL = env.str("SANDBOX_XERO_WEBHOOK_URL", _webhook("xero"))
SANDBOX_XERO_WEBHOOK_KEY = _pointed_at_sandbox["XERO_WEBHOOK_KEY"]
SANDBOX_XERO_WEBHOOK_TIMEOUT_SECONDS = env.float("SANDBOX_XERO_WEBHOOK_TIMEOUT_SECONDS", 5.0)
# Deliveries go out on a thread after the change commits; False sends inline (tests).
SANDBOX_XERO_WEBHOOK_ASYNC = env.bool("SANDBOX_XERO_WEBHOOK_ASYNC", True)

# --- Sage (sandbox/sage/) ---------------------------------------------------------
SANDBOX_SAGE_ACCESS_TOKEN_SECONDS = env.int("SANDBOX_SAGE_ACCESS_TOKEN_SECONDS", 300)
SANDBOX_SAGE_REFRESH_TOKEN_SECONDS = env.int("SANDBOX_SAGE_REFRESH_TOKEN_SECONDS", 31 * _DAY)
SANDBOX_SAGE_CODE_SECONDS = env.int("SANDBOX_SAGE_CODE_SECONDS", 60)
# idempotency_id replays are kept for seven days.
SANDBOX_SAGE_IDEMPOTENCY_SECONDS = env.int("SANDBOX_SAGE_IDEMPOTENCY_SECONDS", 7 * _DAY)
# Calls per business per minute (Sage's v3.0 figure; v3.1's is unpublished).
SANDBOX_SAGE_MINUTE_LIMIT = env.int("SANDBOX_SAGE_MINUTE_LIMIT", 200)
# Sage defaults a missing X-Business to the user's lead business; True refuses the call
# instead, so a client's tests can prove it always names the business.
SANDBOX_SAGE_REQUIRE_BUSINESS_HEADER = env.bool("SANDBOX_SAGE_REQUIRE_BUSINESS_HEADER", False)
# Whether a 429 carries Retry-After: unconfirmed at Sage, so off unless asked for.
SANDBOX_SAGE_SEND_RETRY_AFTER = env.bool("SANDBOX_SAGE_SEND_RETRY_AFTER", False)
SANDBOX_SAGE_REDIRECT_URIS = env.list(
    "SANDBOX_SAGE_REDIRECT_URIS", _callbacks("sage"), subcast=str.strip
)

# --- QuickBooks (sandbox/quickbooks/) -----------------------------------------------
# Its app's registration: redirect URIs, lifetimes, where it sends webhooks and the
# Disconnect URL call (an empty URL sends nothing).
SANDBOX_QUICKBOOKS_REDIRECT_URIS = env.list(
    "SANDBOX_QUICKBOOKS_REDIRECT_URIS", _callbacks("quickbooks"), subcast=str.strip
)
SANDBOX_QUICKBOOKS_ACCESS_TOKEN_SECONDS = env.int("SANDBOX_QUICKBOOKS_ACCESS_TOKEN_SECONDS", 3600)
SANDBOX_QUICKBOOKS_REFRESH_TOKEN_SECONDS = env.int(
    "SANDBOX_QUICKBOOKS_REFRESH_TOKEN_SECONDS", 100 * _DAY
)
SANDBOX_QUICKBOOKS_REFRESH_ROTATE_SECONDS = env.int(
    "SANDBOX_QUICKBOOKS_REFRESH_ROTATE_SECONDS", _DAY
)
SANDBOX_QUICKBOOKS_REFRESH_OVERLAP_SECONDS = env.int(
    "SANDBOX_QUICKBOOKS_REFRESH_OVERLAP_SECONDS", _DAY
)
SANDBOX_QUICKBOOKS_REFRESH_SINGLE_USE = env.bool("SANDBOX_QUICKBOOKS_REFRESH_SINGLE_USE", False)
SANDBOX_QUICKBOOKS_HARD_EXPIRY_SECONDS = env.int(
    "SANDBOX_QUICKBOOKS_HARD_EXPIRY_SECONDS", 5 * 365 * _DAY
)
SANDBOX_QUICKBOOKS_CODE_SECONDS = env.int("SANDBOX_QUICKBOOKS_CODE_SECONDS", 300)
SANDBOX_QUICKBOOKS_VERIFIER_TOKEN = _pointed_at_sandbox["QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN"]
SANDBOX_QUICKBOOKS_WEBHOOK_URL = env.str("SANDBOX_QUICKBOOKS_WEBHOOK_URL", _webhook("quickbooks"))
SANDBOX_QUICKBOOKS_DISCONNECT_URL = env.str(
    "SANDBOX_QUICKBOOKS_DISCONNECT_URL", _webhook("quickbooks", "disconnected")
)

# --- Google Calendar (sandbox/google_calendar/) ----------------------------------------
SANDBOX_GOOGLE_CALENDAR_REDIRECT_URIS = env.list(
    "SANDBOX_GOOGLE_CALENDAR_REDIRECT_URIS", _callbacks("google-calendar"), subcast=str.strip
)
SANDBOX_GOOGLE_CALENDAR_ACCESS_TOKEN_SECONDS = env.int(
    "SANDBOX_GOOGLE_CALENDAR_ACCESS_TOKEN_SECONDS", 3599
)
SANDBOX_GOOGLE_CALENDAR_CODE_SECONDS = env.int("SANDBOX_GOOGLE_CALENDAR_CODE_SECONDS", 300)
# 600 calls a minute per user per project (403 userRateLimitExceeded beyond it).
SANDBOX_GOOGLE_CALENDAR_USER_MINUTE_LIMIT = env.int(
    "SANDBOX_GOOGLE_CALENDAR_USER_MINUTE_LIMIT", 600
)
# Whether a throttled 429 carries Retry-After (seconds; 0: none, as Google documents none).
SANDBOX_GOOGLE_CALENDAR_RETRY_AFTER = env.int("SANDBOX_GOOGLE_CALENDAR_RETRY_AFTER", 0)
# Push notifications: sent on a thread after the change commits (False: inline, tests),
# the share of change messages dropped, the first back-off after a 5xx reply, and
# whether an http:// loopback address stands in for Google's HTTPS-only rule.
SANDBOX_GOOGLE_CALENDAR_PUSH_ASYNC = env.bool("SANDBOX_GOOGLE_CALENDAR_PUSH_ASYNC", True)
SANDBOX_GOOGLE_CALENDAR_DROP_RATIO = env.float("SANDBOX_GOOGLE_CALENDAR_DROP_RATIO", 0.0)
SANDBOX_GOOGLE_CALENDAR_PUSH_BACKOFF_SECONDS = env.float(
    "SANDBOX_GOOGLE_CALENDAR_PUSH_BACKOFF_SECONDS", 1.0
)
SANDBOX_GOOGLE_CALENDAR_ALLOW_HTTP_LOOPBACK = env.bool(
    "SANDBOX_GOOGLE_CALENDAR_ALLOW_HTTP_LOOPBACK", True
)
# --- Microsoft Graph (sandbox/microsoft_graph/) -------------------------------------
SANDBOX_GRAPH_REDIRECT_URIS = env.list(
    "SANDBOX_GRAPH_REDIRECT_URIS", _callbacks("outlook"), subcast=str.strip
)
# Access tokens live 60 to 90 minutes at Microsoft (75 on average); refresh tokens 90 days.
SANDBOX_GRAPH_ACCESS_TOKEN_SECONDS = env.int("SANDBOX_GRAPH_ACCESS_TOKEN_SECONDS", 4500)
SANDBOX_GRAPH_REFRESH_TOKEN_SECONDS = env.int("SANDBOX_GRAPH_REFRESH_TOKEN_SECONDS", 90 * _DAY)
SANDBOX_GRAPH_CODE_SECONDS = env.int("SANDBOX_GRAPH_CODE_SECONDS", 600)
# Requests per mailbox and app in any 10 minutes (Outlook's service limit).
SANDBOX_GRAPH_TEN_MINUTE_LIMIT = env.int("SANDBOX_GRAPH_TEN_MINUTE_LIMIT", 10_000)
# Retry-After on the sandbox's 429s: a number (may be fractional), or "" for none.
SANDBOX_GRAPH_RETRY_AFTER = env.str("SANDBOX_GRAPH_RETRY_AFTER", "10")
# Outlook event subscriptions: the documented maximum lifetime, and the 45-minute floor.
SANDBOX_GRAPH_SUBSCRIPTION_MAX_MINUTES = env.int("SANDBOX_GRAPH_SUBSCRIPTION_MAX_MINUTES", 4230)
# Notifications go out on a thread after the change commits; False sends inline (tests).
SANDBOX_GRAPH_NOTIFY_ASYNC = env.bool("SANDBOX_GRAPH_NOTIFY_ASYNC", True)
SANDBOX_GRAPH_NOTIFY_TIMEOUT_SECONDS = env.float("SANDBOX_GRAPH_NOTIFY_TIMEOUT_SECONDS", 3.0)
# Where the validation handshake must answer within (Graph: 10 seconds).
SANDBOX_GRAPH_VALIDATION_TIMEOUT_SECONDS = env.float(
    "SANDBOX_GRAPH_VALIDATION_TIMEOUT_SECONDS", 10.0
)
