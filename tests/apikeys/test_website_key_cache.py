"""The website key's cached lookup: a revocation's tombstone always wins over a stale read."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from apikeys import tokens, website_key_cache
from apikeys.website_key_cache import KnownWebsiteKey


def test_a_read_from_before_the_revocation_cannot_bring_the_key_back(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    digest = tokens.digest(tokens.generate(tokens.WEBSITE_PREFIX))
    valid = KnownWebsiteKey(1, 2, None)
    revoked = KnownWebsiteKey(1, 2, timezone.now())
    website_key_cache.remember(digest, valid)
    with django_capture_on_commit_callbacks(execute=True):
        website_key_cache.forget_revoked([digest], [revoked])
        assert website_key_cache.get(digest) is None  # dropped at once, inside the transaction
    # A request that read the row just before the commit tries to cache it as valid.
    website_key_cache.remember(digest, valid)
    assert website_key_cache.get(digest) == revoked


def test_a_garbled_entry_is_treated_as_a_miss(db: None) -> None:
    from django.core.cache import cache

    digest = tokens.digest(tokens.generate(tokens.WEBSITE_PREFIX))
    cache.set(f"wk:{digest}", {"id": "x"}, 60)
    assert website_key_cache.get(digest) is None
