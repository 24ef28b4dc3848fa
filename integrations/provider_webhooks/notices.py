"""What Patchbay takes from a verified notification: whose books changed, and how much."""

from __future__ import annotations

from dataclasses import dataclass


class Unreadable(ValueError):
    """A verified body that is not the provider's notification shape."""


@dataclass(frozen=True)
class Notice:
    remote_ids: frozenset[str]  # Xero tenantIds, QuickBooks realmIds
    event_count: int
    sequence: str = ""  # Xero's first-last event sequence, for support

    @property
    def is_empty(self) -> bool:
        return self.event_count == 0


def text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Unreadable(f"{what} is missing")
    return value.strip()
