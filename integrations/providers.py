"""The shared OAuth 2.0 provider base. A provider package subclasses it.

A provider is a few class attributes (URLs by setting name, scopes, lifetimes)
plus the calls that differ between providers: who consented, which remote
organisations the consent covers, and how to remove one of them.
"""

from __future__ import annotations

import base64
import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.utils.module_loading import import_string

from integrations.retry import Backoff

if TYPE_CHECKING:
    import requests

    from integrations.errors import ProviderUnavailable
    from integrations.models import Connection


@dataclass(frozen=True)
class RemoteOrganisation:
    remote_id: str
    name: str
    remote_connection_id: str = ""


class OAuthProvider(ABC):
    slug: ClassVar[str]
    name: ClassVar[str]
    scopes: ClassVar[tuple[str, ...]]
    uses_pkce: ClassVar[bool] = True
    # How the client authenticates at the token and revocation endpoints (RFC 6749 2.3.1):
    # HTTP Basic, or client_id and client_secret in the form body ("client_secret_post").
    token_endpoint_auth_method: ClassVar[str] = "client_secret_basic"  # noqa: S105 - a method name
    # Refresh when the access token has less than this left.
    refresh_margin: ClassVar[timedelta] = timedelta(minutes=5)
    # Refresh idle grants this often so their refresh token never lapses.
    keepalive_every: ClassVar[timedelta] = timedelta(days=1)
    authorize_url_setting: ClassVar[str]
    token_url_setting: ClassVar[str]
    revocation_url_setting: ClassVar[str]
    client_id_setting: ClassVar[str]
    client_secret_setting: ClassVar[str]
    # An organisation may connect one remote company per legal entity (QuickBooks).
    connects_per_legal_entity: ClassVar[bool] = False
    # Without PKCE, a code is bound to its flow by OpenID Connect instead: the flow sends
    # a nonce kept with the state and accepts only an ID token carrying it (integrations.oidc).
    binds_code_with_nonce: ClassVar[bool] = False
    issuer_setting: ClassVar[str] = ""
    jwks_url_setting: ClassVar[str] = ""
    id_token_algorithms: ClassVar[tuple[str, ...]] = ("RS256",)
    # The back-off after 429s that came without a Retry-After; None: the caller's default.
    rate_limit_backoff: ClassVar[Backoff | None] = None

    @property
    def authorize_url(self) -> str:
        return str(getattr(settings, self.authorize_url_setting))

    @property
    def token_url(self) -> str:
        return str(getattr(settings, self.token_url_setting))

    @property
    def revocation_url(self) -> str:
        return str(getattr(settings, self.revocation_url_setting))

    @property
    def issuer(self) -> str:
        return str(getattr(settings, self.issuer_setting))

    @property
    def jwks_url(self) -> str:
        return str(getattr(settings, self.jwks_url_setting))

    @property
    def client_id(self) -> str:
        return str(getattr(settings, self.client_id_setting))

    @property
    def client_secret(self) -> str:
        return str(getattr(settings, self.client_secret_setting))

    def unstated_retry_after(self, attempt: int, default: float) -> float:
        """Seconds to wait after the ``attempt``-th (0-based) 429 in a row that came without
        a Retry-After: the provider's ``rate_limit_backoff``, else the caller's ``default``
        (a minute)."""
        if self.rate_limit_backoff is None:
            return default
        return self.rate_limit_backoff.delay(attempt + 1)

    def throttled(self, response: requests.Response) -> ProviderUnavailable | None:
        """A limit the provider signals other than by 429 (Google Calendar's 403
        rateLimitExceeded): the error to raise instead of "access refused"; None for
        any other answer. 429s are the shared HTTP layer's already."""
        return None

    def for_organisation(self, organisation_id: int) -> OAuthProvider:
        """This provider as one organisation uses it (its own app credentials, say)."""
        return self

    def at_callback(self, token: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        """The token response with whatever the redirect said that it lacks (Intuit
        names the company only in the callback's ``realmId``)."""
        return token

    def confirm_identity(self, token: dict[str, Any], claims: dict[str, Any]) -> None:
        """Check the verified ID token's claims against the rest of the answer (raise
        ProviderError to refuse). Nothing to check by default."""
        return None

    def revoke(self, refresh_token: str) -> None:
        """End the grant at the provider (RFC 7009 unless the provider differs)."""
        from integrations import oauth  # oauth imports this module

        oauth.revoke(self, refresh_token)

    @abstractmethod
    def subject(self, token: dict[str, Any]) -> str:
        """The provider's id of the user who consented, from the token response."""

    @abstractmethod
    def organisations(self, token: dict[str, Any]) -> list[RemoteOrganisation]:
        """The remote organisations this consent gave access to."""

    @abstractmethod
    def remove_remote_connection(self, connection: Connection) -> None:
        """Undo the provider-side link to one organisation (before revoking the grant)."""

    @abstractmethod
    def check(self, connection: Connection) -> None:
        """One cheap authenticated call that proves the connection works."""


def jwt_claims(token: str) -> dict[str, Any]:
    """The claims of a JWT access token, unverified.

    Only for routing hints (who consented, which consent): the token came straight
    from the provider's token endpoint over TLS, and the provider verifies it on use.
    """
    try:
        payload = token.split(".")[1]
        padded = payload + "=" * (-len(payload) % 4)
        claims = json.loads(base64.urlsafe_b64decode(padded))
    except (IndexError, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


def load_provider(dotted_path: str) -> OAuthProvider:
    provider_class: type[OAuthProvider] = import_string(dotted_path)
    return provider_class()
