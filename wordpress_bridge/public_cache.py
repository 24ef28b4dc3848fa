"""The public API's answers, cached per organisation and replaced on the next change.

Each organisation has a version number in the cache. Every cached answer's key holds
it (with the endpoint, the normalised parameters and the organisation's today), so a
change never deletes anything: it bumps the version (``bump``, on commit of the
change: ``cache_invalidation``) and the next request misses, computes afresh and
stores under the new version; the old entries age out. A booking made now therefore
shows on the next request, not at the end of a lifetime.

The version starts from the clock (nanoseconds), not from 1, so a version key lost
from the cache (eviction, a flush) never brings back entries stored under a number
used before.

Also cached per version: the organisation's context (time zone, allowed origins),
which every request needs before it can even name its answer's key. So a warm
request is a handful of cache reads and no SQL at all.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache

from tenancy.models import Organisation
from wordpress_bridge.models import AllowedOrigin

logger = logging.getLogger(__name__)
# The version of a context built while the cache is unreachable: its answers are
# computed every time and never stored.
UNCACHED = -1
UNCACHED_MARK = f":{UNCACHED}:"


@dataclass(frozen=True)
class CachedAnswer:
    body: bytes
    etag: str


@dataclass(frozen=True)
class OrganisationContext:
    organisation_id: int
    version: int
    name: str
    time_zone: str
    origins: tuple[str, ...]


def _version_key(organisation_id: int) -> str:
    return f"pub:{organisation_id}:v"


def version(organisation_id: int) -> int:
    key = _version_key(organisation_id)
    found = cache.get(key)
    if found is None:
        cache.add(key, time.time_ns(), None)
        found = cache.get(key)
    return int(found or 0)


def bump(organisation_id: int) -> None:
    """Every answer cached for the organisation is stale from now on."""
    key = _version_key(organisation_id)
    try:
        try:
            cache.incr(key)
        except ValueError:  # no version yet (or lost): a fresh one is newer than any before
            cache.set(key, time.time_ns(), None)
    except Exception:
        # Runs after the change committed, often in someone else's request: never fail
        # it. Answers then go stale for at most settings.PUBLIC_API_CACHE_SECONDS.
        logger.exception(
            "Could not invalidate the public API cache of organisation %s", organisation_id
        )


def context(organisation_id: int) -> OrganisationContext:
    """The organisation's context at its current version: one cache round trip when warm.

    Raises Organisation.DoesNotExist when the organisation is gone (a key cached before).
    """
    version_key, key = _version_key(organisation_id), f"pub:{organisation_id}:context"
    try:
        found = cache.get_many([version_key, key])
        current = found.get(version_key)
        if current is None:
            current = version(organisation_id)
    except Exception:
        logger.warning("The public API cache is unavailable: answering from the database")
        return _built(organisation_id, UNCACHED)
    cached = found.get(key)
    if isinstance(cached, OrganisationContext) and cached.version == current:
        return cached
    built = _built(organisation_id, int(current))
    with contextlib.suppress(Exception):
        cache.set(key, built, settings.PUBLIC_API_CACHE_SECONDS)
    return built


def _built(organisation_id: int, current: int) -> OrganisationContext:
    # Read after the version: data at least as new as the change that set it.
    found_org = Organisation.objects.filter(pk=organisation_id).values_list("name", "timezone")
    if not found_org:
        raise Organisation.DoesNotExist(organisation_id)
    name, time_zone = found_org[0]
    origins = AllowedOrigin.objects.filter(organisation_id=organisation_id).values_list(
        "origin", flat=True
    )
    return OrganisationContext(organisation_id, current, name, time_zone, tuple(origins))


def answer_key(ctx: OrganisationContext, endpoint: str, params: dict[str, str]) -> str:
    """The cache key of one answer: organisation, version, endpoint, parameters."""
    query = urlencode(sorted(params.items()))
    return f"pub:{ctx.organisation_id}:{ctx.version}:{endpoint}:{query}"


def get(key: str) -> CachedAnswer | None:
    if UNCACHED_MARK in key:
        return None
    try:
        found: Any = cache.get(key)
    except Exception:
        return None
    return found if isinstance(found, CachedAnswer) else None


def put(key: str, body: bytes) -> CachedAnswer:
    answer = CachedAnswer(body, f'"{hashlib.sha256(body).hexdigest()[:32]}"')
    if UNCACHED_MARK not in key:
        with contextlib.suppress(Exception):  # unavailable: the answer is still good
            cache.set(key, answer, settings.PUBLIC_API_CACHE_SECONDS)
    return answer
