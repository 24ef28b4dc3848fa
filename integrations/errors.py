"""How a provider call can fail, in the terms the health state machine needs."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import requests


class ProviderError(Exception):
    """A provider refused or failed a call. ``message`` is safe to show to a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ProviderUnavailable(ProviderError):
    """Transient: network failure, timeout, 5xx or 429. Retry later; never an Error state.

    ``answer`` is the provider's response when there was one (a 5xx, a 429), so that
    the call is audited like any other."""

    answer: requests.Response | None = None


class Outage(ProviderUnavailable):
    """The provider could not be reached, or answered with a server error (5xx): worth
    trying again soon, unlike a limit, which says how long to wait."""


class RateLimited(ProviderUnavailable):
    """A 429: wait ``retry_after`` seconds; ``problem`` names the limit (e.g. minute, day).

    ``stated`` is False when the provider sent no usable Retry-After and ``retry_after``
    is only a default: the caller may back off by the provider's own policy instead.
    """

    def __init__(
        self, message: str, retry_after: float, problem: str, *, stated: bool = True
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.problem = problem
        self.stated = stated


class GrantInvalid(ProviderError):
    """The provider no longer accepts this grant (invalid_grant, revoked): reconnect."""


class AccessRefused(ProviderError):
    """The provider refused a call even with a fresh token (401 or 403 after refresh)."""
