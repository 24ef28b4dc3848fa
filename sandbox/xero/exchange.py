"""The token endpoint's two grants: authorization_code and refresh_token.

Refresh tokens rotate on every use. The one just replaced stays usable for a
grace period (Xero: 30 minutes) in case the client lost the response; within
it, presenting the old token returns a fresh token set, and the set issued by
the earlier rotation stays valid too. Unused refresh tokens lapse after 60 days.
https://developer.xero.com/faq/oauth2
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sandbox.xero import tokens
from sandbox.xero.clients import ClientAuth
from sandbox.xero.crypto import digest, last4, s256, same
from sandbox.xero.models import XeroAuthorizationCode, XeroRefreshPresentation, XeroToken
from sandbox.xero.revocation import revoke_family

Outcome = XeroRefreshPresentation.Outcome
TokenBody = dict[str, Any]
Form = Mapping[str, str]

# RFC 7636, section 4.1: 43 to 128 unreserved characters.
CODE_VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")


class OAuthError(Exception):
    def __init__(self, error: str, status: int = 400) -> None:
        super().__init__(error)
        self.error = error
        self.status = status


def invalid_grant() -> OAuthError:
    return OAuthError("invalid_grant")


def invalid_client() -> OAuthError:
    return OAuthError("invalid_client", status=401)


def exchange(form: Form, client: ClientAuth, issuer: str) -> TokenBody:
    grant_type = form.get("grant_type", "")
    if not grant_type:
        raise OAuthError("invalid_request")
    handler = GRANTS.get(grant_type)
    if handler is None:
        raise OAuthError("unsupported_grant_type")
    return handler(form, client, issuer)


def _required(form: Form, name: str) -> str:
    value = form.get(name, "")
    if not value:
        raise OAuthError("invalid_request")
    return value


# --- authorization_code ------------------------------------------------------------------


def redeem_code(form: Form, client: ClientAuth, issuer: str) -> TokenBody:
    raw = _required(form, "code")
    with transaction.atomic():
        code = (
            XeroAuthorizationCode.objects.select_for_update(of=("self",))
            .select_related("grant__user")
            .filter(code_hash=digest(raw))
            .first()
        )
        error = _code_error(code, form, client)
        if code is not None and error is None:
            code.used_at = timezone.now()
            code.save(update_fields=["used_at"])
            family = tokens.Family.of_code(code, public_client=not client.secret_verified)
            return tokens.issue(family, issuer)
        if code is not None and code.used_at is not None:
            revoke_family(code)
    raise error or invalid_grant()


def _code_error(
    code: XeroAuthorizationCode | None, form: Form, client: ClientAuth
) -> OAuthError | None:
    if code is None or code.used_at is not None or timezone.now() >= code.expires_at:
        return invalid_grant()
    if code.grant.client_id != client.client_id or code.grant.revoked_at is not None:
        return invalid_grant()
    if not client.secret_verified and not code.code_challenge:
        # Leaving out the secret is only for PKCE clients.
        return invalid_client()
    if form.get("redirect_uri", "") != code.redirect_uri:
        return invalid_grant()
    return _verifier_error(code.code_challenge, form.get("code_verifier", ""))


def _verifier_error(challenge: str, verifier: str) -> OAuthError | None:
    if not challenge:
        return invalid_grant() if verifier else None
    if not CODE_VERIFIER.match(verifier) or not same(s256(verifier), challenge):
        # A failed verification leaves the code unused: the verifier cannot be guessed.
        return invalid_grant()
    return None


# --- refresh_token ---------------------------------------------------------------------


def refresh(form: Form, client: ClientAuth, issuer: str) -> TokenBody:
    raw = _required(form, "refresh_token")
    with transaction.atomic():
        token = (
            XeroToken.objects.select_for_update(of=("self",))
            .select_related("grant__user", "code")
            .filter(token_hash=digest(raw), kind=XeroToken.Kind.REFRESH)
            .first()
        )
        outcome = _refresh_outcome(token, client)
        XeroRefreshPresentation.objects.create(
            token_hash=digest(raw),
            last4=last4(raw),
            token=token,
            client_id=client.client_id,
            outcome=outcome,
        )
        if token is not None and outcome in (Outcome.ROTATED, Outcome.GRACE):
            return _rotate(token, outcome, issuer)
    raise invalid_client() if outcome == Outcome.INVALID_CLIENT else invalid_grant()


def _refresh_outcome(token: XeroToken | None, client: ClientAuth) -> str:
    if token is None or token.grant.client_id != client.client_id:
        return Outcome.INVALID_GRANT
    if not client.secret_verified and not token.public_client:
        return Outcome.INVALID_CLIENT
    now = timezone.now()
    if token.revoked_at is not None or now >= token.expires_at:
        return Outcome.INVALID_GRANT
    if token.rotated_at is None:
        return Outcome.ROTATED
    grace = timedelta(seconds=settings.SANDBOX_XERO_REFRESH_GRACE_SECONDS)
    return Outcome.GRACE if now < token.rotated_at + grace else Outcome.INVALID_GRANT


def _rotate(token: XeroToken, outcome: str, issuer: str) -> TokenBody:
    if outcome == Outcome.ROTATED:
        # The grace period runs from the first rotation; replays do not extend it.
        token.rotated_at = timezone.now()
        token.save(update_fields=["rotated_at"])
    return tokens.issue(tokens.Family.of_token(token), issuer, parent=token)


GRANTS: dict[str, Callable[[Form, ClientAuth, str], TokenBody]] = {
    "authorization_code": redeem_code,
    "refresh_token": refresh,
}
