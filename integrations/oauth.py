"""The OAuth 2.0 client side, on authlib: authorisation URL, code exchange,
refresh and revocation, with provider failures classified for the state machine."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from authlib.integrations.requests_client.oauth2_session import OAuth2ClientAuth

from integrations.errors import GrantInvalid, ProviderError, ProviderUnavailable

if TYPE_CHECKING:  # the provider classes are loaded from the registry
    from integrations.providers import OAuthProvider

TOKEN_TIMEOUT = (5, 20)  # shorter than any lock held around a refresh
Token = dict[str, Any]


def _refuse_outages(response: requests.Response) -> requests.Response:
    # A gateway's 5xx page or a 429 is an outage, not an OAuth error: never "reconnect".
    if response.status_code >= 500 or response.status_code == 429:
        raise ProviderUnavailable(f"the token endpoint answered {response.status_code}")
    return response


def session(provider: OAuthProvider, redirect_uri: str = "") -> OAuth2Session:
    client = OAuth2Session(
        provider.client_id,
        provider.client_secret,
        scope=" ".join(provider.scopes),
        redirect_uri=redirect_uri or None,
        code_challenge_method="S256" if provider.uses_pkce else None,
        token_endpoint_auth_method=provider.token_endpoint_auth_method,
        revocation_endpoint_auth_method=provider.token_endpoint_auth_method,
    )
    client.register_compliance_hook("access_token_response", _refuse_outages)
    client.register_compliance_hook("refresh_token_response", _refuse_outages)
    return client


def authorization_url(
    provider: OAuthProvider, redirect_uri: str, state: str, code_verifier: str, nonce: str = ""
) -> str:
    extra = {"code_verifier": code_verifier} if provider.uses_pkce else {}
    if nonce:
        extra["nonce"] = nonce
    url, _ = session(provider, redirect_uri).create_authorization_url(
        provider.authorize_url, state=state, **extra
    )
    return str(url)


def _classified(call: Any, *args: Any, **kwargs: Any) -> Token:
    try:
        token: Token = dict(call(*args, timeout=TOKEN_TIMEOUT, **kwargs))
    except ProviderUnavailable:
        raise
    except requests.RequestException as error:
        raise ProviderUnavailable(
            f"could not reach the token endpoint ({type(error).__name__})"
        ) from error
    except OAuthError as error:
        if error.error == "invalid_grant":
            raise GrantInvalid(
                "the sign-in was revoked or has expired (the token endpoint answered invalid_grant)"
            ) from error
        raise ProviderError(f"the provider refused the sign-in ({error.error})") from error
    except ValueError as error:  # an unreadable token response
        raise ProviderUnavailable("the token endpoint answered something unreadable") from error
    return token


def exchange_code(
    provider: OAuthProvider, redirect_uri: str, code: str, code_verifier: str
) -> Token:
    extra = {"code_verifier": code_verifier} if provider.uses_pkce else {}
    client = session(provider, redirect_uri)
    return _classified(client.fetch_token, provider.token_url, code=code, **extra)


def refresh(provider: OAuthProvider, refresh_token: str) -> Token:
    client = session(provider)
    return _classified(client.refresh_token, provider.token_url, refresh_token=refresh_token)


def client_auth(provider: OAuthProvider) -> OAuth2ClientAuth:
    """authlib's client authentication as the provider's token endpoints expect it, for a
    call made on the shared HTTP layer instead of an OAuth2Session (Intuit's revocation)."""
    return OAuth2ClientAuth(
        provider.client_id, provider.client_secret, provider.token_endpoint_auth_method
    )


def judge_revocation(response: requests.Response) -> None:
    """Raise ProviderError unless the revocation endpoint answered with success (a
    redirect is not followed on the shared HTTP layer, so it is no success either)."""
    if not 200 <= response.status_code < 300:
        raise ProviderError(f"the revocation endpoint answered {response.status_code}")


def revoke(provider: OAuthProvider, refresh_token: str) -> None:
    try:
        # authlib's stubs leave revoke_token untyped.
        response = session(provider).revoke_token(  # type: ignore[no-untyped-call]
            provider.revocation_url,
            token=refresh_token,
            token_type_hint="refresh_token",  # noqa: S106 - a hint name
            timeout=TOKEN_TIMEOUT,
        )
    except requests.RequestException as error:
        raise ProviderUnavailable(
            f"could not reach the revocation endpoint ({type(error).__name__})"
        ) from error
    judge_revocation(response)
