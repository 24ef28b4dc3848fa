"""Validating an authorisation request the way Xero's login.xero.com does.

A bad client_id or redirect_uri gets an error page: the sandbox never redirects
to a URI the app did not register. Every later problem goes back to the app as
`error=...` on its redirect URI, with the state echoed.
https://developer.xero.com/documentation/guides/oauth2/auth-flow/
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode

from sandbox.xero import scopes
from sandbox.xero.clients import find_app

# An S256 challenge is a base64url SHA-256 digest: 43 characters (RFC 7636, 4.2).
S256_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")


@dataclass(frozen=True)
class AuthorizationRequest:
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str
    code_challenge: str
    nonce: str

    def as_session(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_session(cls, data: Mapping[str, Any]) -> AuthorizationRequest:
        return cls(
            client_id=str(data["client_id"]),
            redirect_uri=str(data["redirect_uri"]),
            scopes=tuple(data["scopes"]),
            state=str(data["state"]),
            code_challenge=str(data["code_challenge"]),
            nonce=str(data["nonce"]),
        )


class RejectedOnPage(Exception):
    """Shown to the person: the app cannot be trusted with a redirect."""


class RejectedToApp(Exception):
    """Sent back to the app's (registered) redirect URI."""

    def __init__(self, redirect_uri: str, state: str, error: str, description: str = "") -> None:
        super().__init__(error)
        self.location = error_redirect(redirect_uri, state, error, description)


def with_query(uri: str, params: dict[str, str]) -> str:
    separator = "&" if "?" in uri else "?"
    return f"{uri}{separator}{urlencode(params)}"


def error_redirect(redirect_uri: str, state: str, error: str, description: str = "") -> str:
    params = {"error": error}
    if description:
        params["error_description"] = description
    if state:
        params["state"] = state
    return with_query(redirect_uri, params)


def validate(params: Mapping[str, str]) -> AuthorizationRequest:
    client_id, redirect_uri = _trusted_client(params)
    state = params.get("state", "")

    def reject(error: str, description: str = "") -> RejectedToApp:
        return RejectedToApp(redirect_uri, state, error, description)

    if params.get("response_type") != "code":
        raise reject("unsupported_response_type")
    requested = scopes.parse(params.get("scope", ""))
    scope_error = scopes.problem(requested)
    if scope_error is not None:
        raise reject(scope_error.error, scope_error.description)
    challenge = params.get("code_challenge", "")
    pkce_error = _pkce_problem(challenge, params.get("code_challenge_method", ""))
    if pkce_error:
        raise reject("invalid_request", pkce_error)
    return AuthorizationRequest(
        client_id=client_id,
        redirect_uri=redirect_uri,
        scopes=tuple(requested),
        state=state,
        code_challenge=challenge,
        nonce=params.get("nonce", ""),
    )


def _trusted_client(params: Mapping[str, str]) -> tuple[str, str]:
    app = find_app(params.get("client_id", ""))
    if app is None:
        raise RejectedOnPage("The client_id does not belong to any app registered with Xero.")
    redirect_uri = params.get("redirect_uri", "")
    # Exact string match, as Xero requires: no prefix, trailing-slash or case leniency.
    if redirect_uri not in app.redirect_uris:
        raise RejectedOnPage("The redirect_uri is not one of the app's registered redirect URIs.")
    return app.client_id, redirect_uri


def _pkce_problem(challenge: str, method: str) -> str:
    if not challenge:
        return "code_challenge_method without code_challenge" if method else ""
    if method != "S256":
        # Without a method RFC 7636 means "plain", which Xero does not accept.
        return "code_challenge_method must be S256"
    if not S256_CHALLENGE.match(challenge):
        return "code_challenge is not an S256 challenge"
    return ""
