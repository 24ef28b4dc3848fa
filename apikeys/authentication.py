"""Key authentication for the API: ``Authorization: Bearer pbk_…``.

Order matters for cost: the format and checksum are checked without any I/O, so
random strings and typos never reach the database; a well-formed key costs one
indexed lookup by its digest. No key is cached, so a revocation holds from the
next request on.
"""

from __future__ import annotations

from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from apikeys import services, tokens
from apikeys.models import ApiKey

SCHEME = "Bearer"


class InvalidKey(AuthenticationFailed):
    default_detail = "The API key is not valid."
    default_code = "invalid_api_key"


class RevokedKey(AuthenticationFailed):
    default_code = "revoked_api_key"


class ExpiredKey(AuthenticationFailed):
    default_code = "expired_api_key"


class KeyHolder:
    """``request.user`` for API calls: the key's organisation acting through the key."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, key: ApiKey) -> None:
        self.key = key

    def __str__(self) -> str:
        return f"API key {self.key.masked}"


def client_ip(request: Request) -> str | None:
    address = request.META.get("REMOTE_ADDR")
    return str(address) if address else None


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[KeyHolder, ApiKey] | None:
        presented = bearer_token(
            request, InvalidKey, "Send the key as: Authorization: Bearer pbk_…"
        )
        if presented is None:
            return None  # the permission check answers 401 "missing key"
        key = _known_key(presented)
        now = timezone.now()
        if key.revoked_at is not None and key.revoked_reason == ApiKey.RevokedReason.MANUAL:
            services.record_refusal(key, "revoked key used", client_ip(request))
            raise RevokedKey(f"This API key was revoked on {key.revoked_at:%Y-%m-%d %H:%M} UTC.")
        expires = key.expires_at
        if expires is not None and expires <= now:
            services.record_refusal(key, "expired key used", client_ip(request))
            raise ExpiredKey(f"This API key expired on {expires:%Y-%m-%d %H:%M} UTC.")
        return KeyHolder(key), key

    def authenticate_header(self, request: Request) -> str:
        # Its presence makes DRF answer 401 (not 403) to unauthenticated requests.
        return f'{SCHEME} realm="api"'


def bearer_token(
    request: Request, invalid: type[AuthenticationFailed], how_to_send: str
) -> str | None:
    """The token of ``Authorization: Bearer <token>``; None when the header is absent.

    A header in another scheme, empty or not ASCII is refused with ``invalid`` (its
    message ``how_to_send`` when the scheme is wrong), so it never reaches a lookup.
    """
    header: bytes = get_authorization_header(request)
    if not header:
        return None
    try:
        scheme, _, value = header.decode("ascii").partition(" ")
    except UnicodeDecodeError:
        raise invalid() from None
    if scheme.lower() != SCHEME.lower() or not value.strip():
        raise invalid(how_to_send)
    return value.strip()


def _known_key(presented: str) -> ApiKey:
    if len(presented) > tokens.MAX_KEY_LENGTH or not tokens.well_formed(presented):
        raise InvalidKey()
    try:
        # A bare unique-index lookup: no ordering, no join (the organisation loads only
        # if a view needs more than its id), which keeps authentication cheap.
        return ApiKey.objects.get(key_hash=tokens.digest(presented))
    except ApiKey.DoesNotExist:
        raise InvalidKey() from None
