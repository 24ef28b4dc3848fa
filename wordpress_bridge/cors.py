"""Origins for CORS: a browser's Origin header checked, and the preflight's question.

A preflight (``OPTIONS``) carries no key (browsers never send credentials on it), so
it cannot be checked against one organisation's list: it is answered when *some*
organisation allows the origin, and refused otherwise. The request that follows
carries the key and is checked against that key's organisation alone.
"""

from __future__ import annotations

import re

from wordpress_bridge.models import AllowedOrigin
from wordpress_bridge.origins import WILDCARD, normalise_request_origin, origin_allowed

# What a normalised origin looks like; anything else (control characters, spaces) is
# refused before it could reach a response header or the card.
SAFE_ORIGIN = re.compile(r"^https?://[a-z0-9.-]{1,253}(:[0-9]{1,5})?$", re.ASCII)


def request_origin(value: str) -> str | None:
    """The Origin header normalised, or None when it is not an origin (``null`` included)."""
    if len(value) > 300:
        return None
    normalised = normalise_request_origin(value)
    if normalised is None or not SAFE_ORIGIN.match(normalised):
        return None
    return normalised


def shown(value: str) -> str:
    """An Origin header as a refusal message may quote it: printable and short."""
    printable = "".join(c if c.isprintable() else "?" for c in value)
    return printable[:120]


def allowed_for(origin: str, allowed: tuple[str, ...]) -> bool:
    return origin_allowed(origin, list(allowed))


def allowed_by_any_organisation(origin: str) -> bool:
    """One query: the origin itself, or a wildcard entry of one of its parent domains."""
    scheme, _, rest = origin.partition("://")
    host, colon, port = rest.partition(":")
    labels = host.split(".")
    candidates = [origin] + [
        f"{scheme}://{WILDCARD}{'.'.join(labels[i:])}{colon}{port}" for i in range(1, len(labels))
    ]
    return AllowedOrigin.objects.filter(origin__in=candidates).exists()
