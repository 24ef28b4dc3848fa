"""The sandbox's knobs, read from settings on every use so tests can override them.

Defaults are Intuit's documented values or, where Intuit does not say, the field reports
collected in ../shared/reference/quickbooks.md. Each setting is SANDBOX_QUICKBOOKS_<NAME>.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DAY = 86_400

DEFAULTS: dict[str, Any] = {
    # Identity: https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/faq
    "ACCESS_TOKEN_SECONDS": 3_600,
    "REFRESH_TOKEN_SECONDS": 100 * DAY,  # rolling: extended each time it is used
    "HARD_EXPIRY_SECONDS": 5 * 365 * DAY,  # five-year cap on a connection's tokens
    "SEND_HARD_EXPIRY": False,  # add x_refresh_token_hard_expires_in (wire name unconfirmed)
    "REFRESH_ROTATE_SECONDS": DAY,  # a refresh returns a new value once the old is this old
    "REFRESH_OVERLAP_SECONDS": DAY,  # a replaced value keeps working this long
    "REFRESH_SINGLE_USE": False,  # strict: a new value on every refresh, the old dies at once
    "CODE_SECONDS": 300,
    "REDIRECT_URIS": [],
    "VERIFIER_TOKEN": "sandbox-webhook-verifier-token",
    # API
    "TIMEZONE": "America/Los_Angeles",  # Intuit's samples stamp MetaData with -07:00
    "MINUTE_LIMIT": 500,  # per realm
    "SECOND_LIMIT": 10,  # per realm and app
    "BATCH_MINUTE_LIMIT": 40,  # batch calls per realm and app
    "BATCH_REALM_MINUTE_LIMIT": 120,  # batch calls per realm, all apps
    "MONTHLY_READ_LIMIT": 0,  # Builder tier CorePlus reads per app a month; 0 = off
    "RETRY_AFTER_SECONDS": 0,  # 0 = no Retry-After on 429 (Intuit documents none)
    "BATCH_MAX_ITEMS": 30,
    "QUERY_MAX_RESULTS": 1_000,
    "CDC_MAX_OBJECTS": 1_000,
    "CDC_MAX_DAYS": 30,
    "REQUESTID_MODE": "replay",  # replay | ignore | error  (the field reports)
    "REQUESTID_SECONDS": 7 * DAY,
    # Webhooks and the Disconnect URL
    "WEBHOOK_URL": "",
    "WEBHOOK_FORMAT": "legacy",  # legacy | cloudevents
    "WEBHOOK_ON_API_WRITES": True,
    "WEBHOOK_TIMEOUT_SECONDS": 3.0,
    "WEBHOOK_ASYNC": True,  # deliver on a thread after commit; False = inline (tests)
    "DISCONNECT_URL": "",
}


def get(name: str) -> Any:
    return getattr(settings, f"SANDBOX_QUICKBOOKS_{name}", DEFAULTS[name])


def seconds(name: str) -> int:
    return int(get(name))
