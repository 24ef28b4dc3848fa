"""Website-key authentication for the public availability API: ``Bearer pbpk_…`` only.

The same cost order as ``authentication.py``: the format and checksum are checked
with no I/O, so typos, random strings and REST keys (``pbk_``) never reach the cache
or the database; a well-formed key is found by its digest in the short-lived key
cache (``website_key_cache``), else by one indexed query. A regenerated key is
refused on its very next call (the cache is evicted by ``website_keys.issue``).

The scope is fixed (read public availability): the views offer no write method.
"""

from __future__ import annotations

from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.request import Request

from apikeys import tokens, website_key_cache
from apikeys.authentication import SCHEME, bearer_token
from apikeys.models import WebsiteKey
from apikeys.website_key_cache import KnownWebsiteKey

WHERE_TO_PASTE = "WordPress > Settings > Patchbay"


class MissingWebsiteKey(NotAuthenticated):
    default_detail = (
        "Send the website key: Authorization: Bearer pbpk_… (copy it from the WordPress "
        "card in Patchbay, Configuration > Integrations)."
    )
    default_code = "missing_website_key"


class InvalidWebsiteKey(AuthenticationFailed):
    default_detail = (
        "The website key is not valid. Copy the key from the WordPress card in Patchbay "
        f"and paste it in {WHERE_TO_PASTE}."
    )
    default_code = "invalid_website_key"


class RestKeyRefused(AuthenticationFailed):
    default_detail = (
        "This is a REST API key (pbk_). The public availability API takes the website key "
        "(pbpk_) shown on the WordPress card in Patchbay."
    )
    default_code = "wrong_key_type"


class ReplacedWebsiteKey(AuthenticationFailed):
    default_code = "website_key_replaced"

    def __init__(self, known: KnownWebsiteKey) -> None:
        when = f" on {known.revoked_at:%Y-%m-%d %H:%M} UTC" if known.revoked_at else ""
        super().__init__(
            f"This website key was replaced by a new one{when}. Paste the new key from the "
            f"WordPress card in Patchbay in {WHERE_TO_PASTE}."
        )
        self.known = known


class WebsiteCaller:
    """``request.user`` for public API calls: an organisation's website, through its key."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, key: KnownWebsiteKey) -> None:
        self.key = key

    def __str__(self) -> str:
        return f"Website of organisation {self.key.organisation_id}"


class WebsiteKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[WebsiteCaller, KnownWebsiteKey] | None:
        presented = bearer_token(
            request, InvalidWebsiteKey, "Send the website key as: Authorization: Bearer pbpk_…"
        )
        if presented is None:
            return None  # the view answers 401 "missing key"
        known = find(presented)
        if known.revoked_at is not None:
            raise ReplacedWebsiteKey(known)
        return WebsiteCaller(known), known

    def authenticate_header(self, request: Request) -> str:
        # Its presence makes DRF answer 401 (not 403) to unauthenticated requests.
        return f'{SCHEME} realm="public-api"'


def find(presented: str) -> KnownWebsiteKey:
    """The key behind a presented string, or InvalidWebsiteKey / RestKeyRefused."""
    if len(presented) > tokens.MAX_KEY_LENGTH:
        raise InvalidWebsiteKey()
    if not tokens.well_formed(presented, tokens.WEBSITE_PREFIX):
        if tokens.well_formed(presented):
            raise RestKeyRefused()
        raise InvalidWebsiteKey()
    digest = tokens.digest(presented)
    known = website_key_cache.get(digest)
    if known is not None:
        return known
    row = (
        WebsiteKey.objects.filter(key_hash=digest)
        .values_list("pk", "organisation_id", "revoked_at")
        .first()
    )
    if row is None:
        raise InvalidWebsiteKey()
    known = KnownWebsiteKey(*row)
    website_key_cache.remember(digest, known)
    return known
