"""How an iCloud CalDAV call fails, as the integrations platform's error types.

Each subclasses the platform's kind (reconnect, transient, rate limited, refused), so
the connection health machine can act on it without knowing CalDAV.
"""

from __future__ import annotations

import calendars.errors
from integrations.errors import (
    GrantInvalid,
    Outage,
    ProviderError,
    ProviderUnavailable,
    RateLimited,
)


class CredentialsRefused(GrantInvalid):
    """401: the Apple ID or the app-specific password was refused (wrong, revoked, or
    revoked with every other one by an Apple Account password change). Reconnect."""

    def __init__(self) -> None:
        super().__init__(
            "iCloud refused the Apple ID or app-specific password. Create a new "
            "app-specific password at account.apple.com and reconnect."
        )


class CalendarGone(calendars.errors.CalendarGone):
    """The target calendar no longer exists (404 on the collection): the user deleted
    it. Ask before making a new one; never write elsewhere silently."""

    def __init__(self, url: str) -> None:
        super().__init__("The calendar Patchbay writes to was deleted in iCloud.")
        self.url = url


class ICloudRateLimited(RateLimited):
    """429 or 503: wait ``retry_after`` seconds (``stated`` False: iCloud gave none)."""


class ICloudUnavailable(Outage):
    """Transient: network failure, timeout or a 5xx other than a throttling 503."""


class EditConflict(ProviderUnavailable):
    """An update met a changed ETag twice in a row: someone keeps editing the event.
    Transient; the next reconcile writes it again."""


class UidConflict(ProviderError):
    """The calendar already holds this UID at another href (409 no-uid-conflict)."""


class UnsafeServerUrl(ProviderError):
    """A URL outside the configured iCloud hosts (a redirect or an href): not called."""


class UnexpectedResponse(ProviderError):
    """An answer CalDAV does not allow here (status or body); the message has both."""
