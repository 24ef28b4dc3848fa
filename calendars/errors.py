"""Calendar failures every provider can report, as the platform's error types."""

from __future__ import annotations

from integrations.errors import ProviderError


class CalendarGone(ProviderError):
    """The calendar Patchbay writes to no longer exists (the user deleted it). Ask before
    making a new one; never write elsewhere silently."""


class EventGone(ProviderError):
    """The event to update no longer exists at the provider: write it afresh."""
