"""Validating an authorisation request as Sage's central sign-in does.

https://developer.sage.com/accounting/guides/authenticating/authentication
The URL must carry `filter=apiv3.1` (without it Sage runs its older flows). A bad
client_id or redirect_uri gets an error page: the sandbox never redirects to a URI the
app did not register. Later problems go back to the app as `error=...`, state echoed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlencode

from sandbox.sage.clients import find_app

SCOPES = ("full_access", "readonly")
API_FILTER = "apiv3.1"
# RFC 7636, section 4.2: a challenge is 43 to 128 unreserved characters.
CHALLENGE = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")


@dataclass(frozen=True)
class AuthorizationRequest:
    client_id: str
    redirect_uri: str
    scope: str
    state: str
    country: str
    code_challenge: str
    code_challenge_method: str

    def as_session(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_session(cls, data: Mapping[str, Any]) -> AuthorizationRequest:
        return cls(**{name: str(data.get(name, "")) for name in cls.__dataclass_fields__})


class RejectedOnPage(Exception):
    """Shown to the person: the app cannot be trusted with a redirect."""


class RejectedToApp(Exception):
    """Sent back to the app's registered redirect URI."""

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
    if params.get("filter") != API_FILTER:
        raise RejectedOnPage("This sandbox emulates API v3.1 only: add filter=apiv3.1.")
    client_id, redirect_uri = _trusted_client(params)
    state = params.get("state", "")

    def reject(error: str, description: str = "") -> RejectedToApp:
        return RejectedToApp(redirect_uri, state, error, description)

    if params.get("response_type") != "code":
        raise reject("unsupported_response_type")
    scope = params.get("scope", "")
    if scope not in SCOPES:
        raise reject("invalid_scope", "scope must be full_access or readonly")
    challenge = params.get("code_challenge", "")
    method = params.get("code_challenge_method", "") or ("plain" if challenge else "")
    problem = _pkce_problem(challenge, method)
    if problem:
        raise reject("invalid_request", problem)
    return AuthorizationRequest(
        client_id=client_id,
        redirect_uri=redirect_uri,
        scope=scope,
        state=state,
        country=params.get("country", "").upper(),
        code_challenge=challenge,
        code_challenge_method=method,
    )


def _trusted_client(params: Mapping[str, str]) -> tuple[str, str]:
    app = find_app(params.get("client_id", ""))
    if app is None:
        raise RejectedOnPage("The client_id does not belong to any app registered with Sage.")
    redirect_uri = params.get("redirect_uri", "")
    # Character for character, as Sage's FAQ insists.
    if redirect_uri not in app.redirect_uris:
        raise RejectedOnPage("The redirect_uri is not one of the app's registered callback URLs.")
    return app.client_id, redirect_uri


def _pkce_problem(challenge: str, method: str) -> str:
    if not challenge:
        return "code_challenge_method without code_challenge" if method else ""
    if method not in ("S256", "plain"):
        return "code_challenge_method must be S256 or plain"
    if not CHALLENGE.match(challenge):
        return "code_challenge must be 43 to 128 characters"
    return ""
