"""patchbay-client: Patchbay's REST API v1 from Python.

The operations and models are generated from the API's OpenAPI schema
(``patchbay_client.generated``); this layer adds what a generator leaves out:
the key as a Bearer header, waiting out 429s, errors as exceptions, paging and
incremental reads, and webhook signature checks.
"""

from patchbay_client.paging import changed_since, iterate, latest_change, ok, pages
from patchbay_client.problems import (
    Conflict,
    KeyExpired,
    KeyRevoked,
    NotFound,
    PatchbayError,
    RateLimited,
    ScopeRefused,
    ServerError,
    Unauthorized,
    ValidationError,
)
from patchbay_client.session import connect
from patchbay_client.webhooks import WebhookVerificationError, verify

__version__ = "1.0.0"

__all__ = [
    "Conflict",
    "KeyExpired",
    "KeyRevoked",
    "NotFound",
    "PatchbayError",
    "RateLimited",
    "ScopeRefused",
    "ServerError",
    "Unauthorized",
    "ValidationError",
    "WebhookVerificationError",
    "changed_since",
    "connect",
    "iterate",
    "latest_change",
    "ok",
    "pages",
    "verify",
]
