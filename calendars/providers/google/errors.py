"""How a Google Calendar call fails, as the platform's error types, read from Google's
error body ({"error": {"code", "errors": [{"reason"}]}}).
https://developers.google.com/workspace/calendar/api/guides/errors
"""

from __future__ import annotations

import requests

from integrations.errors import ProviderError, ProviderUnavailable, RateLimited
from integrations.http import rate_limited

# Google: "403 and 429 are functionally similar"; both mean back off and retry.
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
# "Calendar usage limits exceeded": an anti-abuse limit; wait long, never loop.
USAGE_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})


def reasons(response: requests.Response) -> set[str]:
    try:
        body = response.json()
    except ValueError:
        return set()
    items = body.get("error", {}).get("errors", []) if isinstance(body, dict) else []
    return {str(item.get("reason", "")) for item in items if isinstance(item, dict)}


def throttled(response: requests.Response) -> ProviderUnavailable | None:
    """The 403s that are limits, not refusals (429s are raised by the HTTP layer)."""
    if response.status_code != 403:
        return None
    found = reasons(response)
    if found & RATE_REASONS:
        stated = rate_limited(response)  # Retry-After, if Google sent one
        reason = sorted(found & RATE_REASONS)[0]
        return RateLimited(
            f"Google Calendar is rate limiting ({reason})",
            stated.retry_after,
            reason,
            stated=stated.stated,
        )
    if found & USAGE_REASONS:
        return ProviderUnavailable("Google Calendar's usage limits are exceeded; retrying later")
    return None


class UnexpectedResponse(ProviderError):
    """An answer the Calendar API does not give here; the message has the status."""

    def __init__(self, what: str, response: requests.Response) -> None:
        super().__init__(f"Google Calendar answered {response.status_code} to {what}")
        self.status = response.status_code
