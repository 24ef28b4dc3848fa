"""The token endpoint's grants: authorization_code and refresh_token.

- Codes are single use and expire after 60 seconds; a reused or expired code, a
  redirect_uri that differs by one character, or a wrong PKCE verifier is
  `400 {"error": "invalid_grant"}`.
- Every refresh returns a new access token and a new refresh token. The old refresh
  token is dead at once: Sage documents no grace period, so presenting it again is
  `invalid_grant` (a client that lost the answer must start again from consent).
https://developer.sage.com/accounting/guides/authenticating/authentication
https://developer.sage.com/accounting/guides/concepts/frequently_raised_errors
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from sandbox.sage import tokens
from sandbox.sage.clients import RegisteredApp, authenticated
from sandbox.sage.crypto import digest, last4, s256, same
from sandbox.sage.models import SageAuthorizationCode, SageRefreshPresentation, SageToken

Form = Mapping[str, str]
TokenBody = dict[str, Any]
Outcome = SageRefreshPresentation.Outcome


class OAuthError(Exception):
    def __init__(self, error: str, status: int = 400) -> None:
        super().__init__(error)
        self.error = error
        self.status = status


def invalid_grant() -> OAuthError:
    return OAuthError("invalid_grant")


def exchange(form: Form) -> TokenBody:
    grant_type = form.get("grant_type", "")
    handler = GRANTS.get(grant_type)
    if not grant_type:
        raise OAuthError("invalid_request")
    app = authenticated(form.get("client_id", ""), form.get("client_secret", ""))
    if app is None:
        if grant_type == "refresh_token":
            _record_presentation(form, None, Outcome.INVALID_CLIENT)
        raise OAuthError("invalid_client", status=401)
    if handler is None:
        # Sage lists only these two grants; it also blames this error on a wrong grant_type.
        raise invalid_grant()
    return handler(form, app)


def _required(form: Form, name: str) -> str:
    value = form.get(name, "")
    if not value:
        raise OAuthError("invalid_request")
    return value


def redeem_code(form: Form, app: RegisteredApp) -> TokenBody:
    raw = _required(form, "code")
    with transaction.atomic():
        code = (
            SageAuthorizationCode.objects.select_for_update(of=("self",))
            .select_related("grant__user")
            .filter(code_hash=digest(raw))
            .first()
        )
        if code is None or not _redeemable(code, form, app):
            raise invalid_grant()
        code.used_at = timezone.now()
        code.save(update_fields=["used_at"])
        return tokens.issue(code.grant, code.scope)


def _redeemable(code: SageAuthorizationCode, form: Form, app: RegisteredApp) -> bool:
    if code.used_at is not None or timezone.now() >= code.expires_at:
        return False
    if code.grant.client_id != app.client_id or code.grant.revoked_at is not None:
        return False
    if form.get("redirect_uri", "") != code.redirect_uri:
        return False
    return _verifier_matches(code, form.get("code_verifier", ""))


def _verifier_matches(code: SageAuthorizationCode, verifier: str) -> bool:
    if not code.code_challenge:
        return True
    if not verifier:
        return False
    expected = s256(verifier) if code.code_challenge_method == "S256" else verifier
    return same(expected, code.code_challenge)


def refresh(form: Form, app: RegisteredApp) -> TokenBody:
    raw = _required(form, "refresh_token")
    with transaction.atomic():
        token = (
            SageToken.objects.select_for_update(of=("self",))
            .select_related("grant__user")
            .filter(token_hash=digest(raw), kind=SageToken.Kind.REFRESH)
            .first()
        )
        outcome = _refresh_outcome(token, app)
        _record_presentation(form, token, outcome)
        if token is not None and outcome == Outcome.ROTATED:
            token.rotated_at = timezone.now()
            token.save(update_fields=["rotated_at"])
            return tokens.issue(token.grant, token.scope, parent=token)
    raise invalid_grant()


def _refresh_outcome(token: SageToken | None, app: RegisteredApp) -> str:
    if token is None or token.grant.client_id != app.client_id:
        return Outcome.INVALID_GRANT
    dead = token.revoked_at is not None or token.rotated_at is not None
    if dead or token.grant.revoked_at is not None or timezone.now() >= token.expires_at:
        return Outcome.INVALID_GRANT
    return Outcome.ROTATED


def _record_presentation(form: Form, token: SageToken | None, outcome: str) -> None:
    raw = form.get("refresh_token", "")
    if not raw:
        return
    SageRefreshPresentation.objects.create(
        token_hash=digest(raw),
        last4=last4(raw),
        token=token,
        client_id=form.get("client_id", ""),
        outcome=outcome,
    )


GRANTS: dict[str, Callable[[Form, RegisteredApp], TokenBody]] = {
    "authorization_code": redeem_code,
    "refresh_token": refresh,
}
