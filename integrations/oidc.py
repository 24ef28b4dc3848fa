"""OpenID Connect's binding of an authorization code to the flow that asked for it.

A provider without PKCE (Intuit) cannot refuse a code presented with another flow's state:
an attacker who obtains a code issued for someone else's consent could finish their own
connect with it. Asking for ``openid`` with a fresh ``nonce`` kept beside the state makes
the provider put that nonce in the ID token it returns with the tokens; Patchbay then
accepts the tokens only when the ID token is genuine (signature by a key of the provider's
JWK set, issuer, audience, expiry) and carries this flow's nonce (OpenID Connect Core 1.0,
sections 3.1.3.7 and 15.5.2). Claims are checked by authlib's ``CodeIDToken``.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from authlib.oidc.core import CodeIDToken
from django.core.cache import cache
from joserfc import jwt
from joserfc.errors import BadSignatureError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from integrations import http
from integrations.errors import ProviderError

if TYPE_CHECKING:  # the provider classes are loaded from the registry
    from integrations.providers import OAuthProvider

KEY_SET_SECONDS = 3_600  # a rotation shows up as an unknown kid, which refetches at once
CLOCK_LEEWAY_SECONDS = 60


class IdentityRefused(ProviderError):
    """The ID token is missing, forged, expired or not for this app: nothing is trusted."""


class NotThisFlow(IdentityRefused):
    """A genuine ID token for another authorisation request: the code was swapped."""


def _key_set(url: str, *, fresh: bool = False) -> KeySet:
    cache_key = f"integrations:jwks:{hashlib.sha256(url.encode()).hexdigest()}"
    document = None if fresh else cache.get(cache_key)
    if document is None:
        document = http.public_json(url)
        cache.set(cache_key, document, KEY_SET_SECONDS)
    try:
        return KeySet.import_key_set(document)
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise IdentityRefused(f"the key set at {url} is unreadable") from error


def _decode(provider: OAuthProvider, id_token: str) -> jwt.Token:
    algorithms = list(provider.id_token_algorithms)
    try:
        try:
            return jwt.decode(id_token, _key_set(provider.jwks_url), algorithms=algorithms)
        except (InvalidKeyIdError, BadSignatureError):  # keys changed since they were cached
            return jwt.decode(
                id_token, _key_set(provider.jwks_url, fresh=True), algorithms=algorithms
            )
    except (JoseError, ValueError) as error:
        raise IdentityRefused(
            f"its ID token is not signed by {provider.name} ({type(error).__name__})"
        ) from error


def verified_claims(provider: OAuthProvider, token: dict[str, Any], nonce: str) -> dict[str, Any]:
    """The ID token's claims, once it is proven to be the provider's, for this app, current
    and issued for the authorisation request that carried ``nonce``."""
    id_token = token.get("id_token")
    if not isinstance(id_token, str) or not id_token:
        raise IdentityRefused("its answer had no ID token")
    decoded = _decode(provider, id_token)
    claims = CodeIDToken(
        decoded.claims,
        decoded.header,
        {
            "iss": {"essential": True, "value": provider.issuer},
            "aud": {"essential": True, "value": provider.client_id},
        },
        {
            "client_id": provider.client_id,
            "access_token": str(token.get("access_token", "")),
            "nonce": nonce,
        },
    )
    try:
        claims.validate(leeway=CLOCK_LEEWAY_SECONDS)
    except JoseError as error:
        if getattr(error, "claim", "") == "nonce":
            raise NotThisFlow("its ID token belongs to another connection attempt") from error
        raise IdentityRefused(f"its ID token was refused ({error.error})") from error
    return dict(claims)
