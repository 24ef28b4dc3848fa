"""The website tier: limits per website key and per client address, on the API's limiter.

A browser widget calls from each visitor's address and the plugin from its web
server's, so both partitions are limited: the key's (all calls of one site) and the
address's (one caller, whichever key it sends). The address is spent first, before
the key is even looked up, so a flood of made-up keys from one address is refused
without touching the database, and a caller refused by its address spends nothing
of the site's own quota. Numbers: settings.WEBSITE_RATE_LIMITS and
WEBSITE_IP_RATE_LIMITS.
"""

from __future__ import annotations

from django.conf import settings

from apikeys import limiting
from apikeys.ratelimit import Decision, Window

ADDRESS_PREFIX = "address-"


def _windows(limits: dict[str, tuple[int, int]], prefix: str = "") -> tuple[Window, ...]:
    return tuple(
        Window(f"{prefix}{name}", limit, seconds) for name, (limit, seconds) in limits.items()
    )


def key_windows() -> tuple[Window, ...]:
    return _windows(settings.WEBSITE_RATE_LIMITS)


def address_windows() -> tuple[Window, ...]:
    return _windows(settings.WEBSITE_IP_RATE_LIMITS, ADDRESS_PREFIX)


def spend_address(address: str) -> Decision:
    # The gate's period is the window's; an address has no "last used" to keep.
    return limiting.limiter().hit(f"website-address:{address}", address_windows(), 3_600)


def spend_key(key_id: int) -> Decision:
    """One request of the key's quota; ``touch_last_used`` opens once a minute per key."""
    return limiting.limiter().hit(
        f"website-key:{key_id}", key_windows(), settings.API_KEY_LAST_USED_SECONDS
    )


def headers(decisions: list[Decision]) -> dict[str, str]:
    """RateLimit-Policy and RateLimit for every window of every decision, in one header each."""
    merged: dict[str, list[str]] = {}
    for decision in decisions:
        for name, value in limiting.headers(decision).items():
            merged.setdefault(name, []).append(value)
    return {name: ", ".join(values) for name, values in merged.items()}
