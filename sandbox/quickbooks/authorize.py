"""Validating an authorisation request the way appcenter.intuit.com/connect/oauth2 does.

A bad client_id or redirect_uri gets an error page: the sandbox never redirects to a URI
the app did not register (exact string match). Later problems go back to the app as
`error=...` on its redirect URI, with the state echoed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode

from sandbox.quickbooks import scopes
from sandbox.quickbooks.clients import find_app


@dataclass(frozen=True)
class AuthorizationRequest:
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str
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
            nonce=str(data.get("nonce", "")),
        )


class RejectedOnPage(Exception):
    """Shown to the person: the app cannot be trusted with a redirect."""


class RejectedToApp(Exception):
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
    app = find_app(params.get("client_id", ""))
    if app is None:
        raise RejectedOnPage("The client_id does not belong to any app registered with Intuit.")
    redirect_uri = params.get("redirect_uri", "")
    if redirect_uri not in app.redirect_uris:
        raise RejectedOnPage("The redirect_uri is not one of the app's registered redirect URIs.")
    state = params.get("state", "")
    if params.get("response_type") != "code":
        raise RejectedToApp(redirect_uri, state, "unsupported_response_type")
    requested = scopes.parse(params.get("scope", ""))
    if not requested or scopes.unknown(requested):
        raise RejectedToApp(redirect_uri, state, "invalid_scope", "Unsupported scope")
    return AuthorizationRequest(
        client_id=app.client_id,
        redirect_uri=redirect_uri,
        scopes=tuple(requested),
        state=state,
        nonce=params.get("nonce", ""),
    )
