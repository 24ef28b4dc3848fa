"""What a website key's digest stands for, kept briefly in the shared cache.

The public availability API serves its warm path with no SQL at all, so the key
lookup (one indexed query) is cached too: ``digest -> (key id, organisation, revoked
when)`` for ``ENTRY_SECONDS``. A regenerated key must still be refused on its very
next call, so revocation never waits for that lifetime:

- an entry is only ever *added* from a database read (Redis ``SET NX``), never
  overwritten by one;
- revoking deletes the entry at once (inside the revoking transaction: a miss is
  always safe, it only costs a lookup) and, once the transaction commits, *sets* a
  tombstone that outlives any entry. A request that read the row just before the
  commit can no longer put a "valid" entry back: its ``add`` finds the tombstone
  (api-keys reference §6: overwrite with a tombstone rather than delete).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

ENTRY_SECONDS = 60
TOMBSTONE_SECONDS = 2 * ENTRY_SECONDS


@dataclass(frozen=True)
class KnownWebsiteKey:
    """A website key as the API needs it: no model instance, so no lazy query later."""

    id: int
    organisation_id: int
    revoked_at: datetime | None

    def as_entry(self) -> dict[str, Any]:
        return {"id": self.id, "org": self.organisation_id, "revoked_at": self.revoked_at}

    @classmethod
    def from_entry(cls, entry: object) -> KnownWebsiteKey | None:
        if not isinstance(entry, dict):
            return None
        try:
            return cls(int(entry["id"]), int(entry["org"]), entry["revoked_at"])
        except (KeyError, TypeError, ValueError):
            return None


def _cache_key(digest: str) -> str:
    return f"wk:{digest}"


def get(digest: str) -> KnownWebsiteKey | None:
    try:
        return KnownWebsiteKey.from_entry(cache.get(_cache_key(digest)))
    except Exception:  # the cache is an optimisation: without it, ask the database
        logger.warning("Could not read a website key's cached lookup", exc_info=True)
        return None


def remember(digest: str, known: KnownWebsiteKey) -> None:
    """Add (never overwrite) what the database said, so a tombstone always wins."""
    try:
        cache.add(_cache_key(digest), known.as_entry(), ENTRY_SECONDS)
    except Exception:
        logger.warning("Could not cache a website key's lookup", exc_info=True)


def forget_revoked(digests: list[str], revoked: list[KnownWebsiteKey]) -> None:
    """Called inside the revoking transaction: drop the entries now, tombstone them on commit.

    With the cache unreachable, regenerating still works: nothing can be read from the
    cache either, and an entry that survives the outage expires within ENTRY_SECONDS.
    """
    try:
        cache.delete_many([_cache_key(digest) for digest in digests])
    except Exception:
        logger.exception("Could not drop a revoked website key's cached lookup")

    def tombstone() -> None:
        try:
            cache.set_many(
                {
                    _cache_key(digest): known.as_entry()
                    for digest, known in zip(digests, revoked, strict=True)
                },
                TOMBSTONE_SECONDS,
            )
        except Exception:
            logger.exception("Could not tombstone a revoked website key's cached lookup")

    transaction.on_commit(tombstone)
