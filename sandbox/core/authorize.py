"""An authorisation request (the authorize URL's parameters, once checked), the ways one
is refused, and PKCE (RFC 7636) as each provider takes it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from sandbox.core.crypto import s256, same
from sandbox.core.oauth import OAuthError, error_redirect, invalid_grant

# RFC 7636, section 4.1: a verifier is 43 to 128 unreserved characters; so is a plain
# challenge (4.2). An S256 challenge is a base64url SHA-256 digest: 43 characters.
UNRESERVED = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")
S256_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")


@dataclass(frozen=True)
class AuthorizationRequest:
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str
    code_challenge: str = ""
    code_challenge_method: str = ""
    nonce: str = ""
    extras: dict[str, str] = field(default_factory=dict)  # a provider's own parameters

    @property
    def scope(self) -> str:
        return " ".join(self.scopes)

    def as_session(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_session(cls, data: Mapping[str, Any]) -> AuthorizationRequest:
        def text(name: str) -> str:
            return str(data.get(name, ""))

        extras = data.get("extras")
        return cls(
            client_id=text("client_id"),
            redirect_uri=text("redirect_uri"),
            scopes=tuple(data.get("scopes", ())),
            state=text("state"),
            code_challenge=text("code_challenge"),
            code_challenge_method=text("code_challenge_method"),
            nonce=text("nonce"),
            extras=dict(extras) if isinstance(extras, dict) else {},
        )


class RejectedOnPage(Exception):
    """Shown to the person: the app cannot be trusted with a redirect."""


class RejectedToApp(Exception):
    """Sent back to the app's registered redirect URI as `error=...`, state echoed."""

    def __init__(self, redirect_uri: str, state: str, error: str, description: str = "") -> None:
        super().__init__(error)
        self.location = error_redirect(redirect_uri, state, error, description)


@dataclass(frozen=True)
class ScopeError:
    error: str
    description: str = ""


def parse_scopes(raw: str) -> list[str]:
    """Space-separated scopes, in order, without repeats."""
    return list(dict.fromkeys(raw.split()))


@dataclass(frozen=True)
class Pkce:
    """Which challenge methods a provider takes (none: PKCE parameters are ignored).

    `strict` follows RFC 7636 to the letter at the token endpoint: the verifier must be
    43 to 128 unreserved characters, and a verifier sent for a code that had no
    challenge is refused. Without a method a challenge means "plain" (RFC 7636, 4.3).
    """

    methods: tuple[str, ...] = ()
    strict: bool = False

    def problem(self, challenge: str, method: str) -> str:
        """Why the authorize URL's PKCE parameters cannot be taken ("" if they can)."""
        if not self.methods:
            return ""
        if not challenge:
            return "code_challenge_method without code_challenge" if method else ""
        if (method or "plain") not in self.methods:
            return f"code_challenge_method must be {' or '.join(self.methods)}"
        if self.methods == ("S256",) and not S256_CHALLENGE.match(challenge):
            return "code_challenge is not an S256 challenge"
        if not UNRESERVED.match(challenge):
            return "code_challenge must be 43 to 128 characters"
        return ""

    def verifier_error(self, challenge: str, method: str, verifier: str) -> OAuthError | None:
        """At the token endpoint: does the verifier answer the code's challenge?"""
        if not challenge:
            return invalid_grant() if verifier and self.strict else None
        if not verifier or (self.strict and not UNRESERVED.match(verifier)):
            # A failed verification leaves the code unused: a verifier cannot be guessed.
            return invalid_grant()
        expected = s256(verifier) if method == "S256" else verifier
        return None if same(expected, challenge) else invalid_grant()
