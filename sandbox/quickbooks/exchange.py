"""The token endpoint's two grants: authorization_code and refresh_token.

Errors are RFC 6749's: invalid_grant (expired, used or unknown code; expired, revoked or
replaced refresh token), invalid_request, unsupported_grant_type.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.db import transaction
from django.utils import timezone

from sandbox.quickbooks import tokens
from sandbox.quickbooks.clients import RegisteredApp
from sandbox.quickbooks.crypto import digest, last4
from sandbox.quickbooks.models import QboAuthorizationCode, QboRefreshPresentation, QboToken

Outcome = QboRefreshPresentation.Outcome
Form = Mapping[str, str]


class OAuthError(Exception):
    def __init__(self, error: str, status: int = 400) -> None:
        super().__init__(error)
        self.error = error
        self.status = status


def exchange(form: Form, app: RegisteredApp, issuer: str) -> tokens.TokenBody:
    grant_type = form.get("grant_type", "")
    if not grant_type:
        raise OAuthError("invalid_request")
    handler = GRANTS.get(grant_type)
    if handler is None:
        raise OAuthError("unsupported_grant_type")
    return handler(form, app, issuer)


def _required(form: Form, name: str) -> str:
    value = form.get(name, "")
    if not value:
        raise OAuthError("invalid_request")
    return value


def redeem_code(form: Form, app: RegisteredApp, issuer: str) -> tokens.TokenBody:
    raw = _required(form, "code")
    with transaction.atomic():
        code = (
            QboAuthorizationCode.objects.select_for_update(of=("self",))
            .select_related("connection__company", "connection__user")
            .filter(code_hash=digest(raw))
            .first()
        )
        if code is None or not _redeemable(code, form, app):
            raise OAuthError("invalid_grant")
        code.used_at = timezone.now()
        code.save(update_fields=["used_at"])
        return tokens.issue(code.connection, code.scope, issuer=issuer, nonce=code.nonce)


def _redeemable(code: QboAuthorizationCode, form: Form, app: RegisteredApp) -> bool:
    return (
        code.used_at is None
        and timezone.now() < code.expires_at
        and code.connection.client_id == app.client_id
        and code.connection.revoked_at is None
        and form.get("redirect_uri", "") == code.redirect_uri
    )


def refresh(form: Form, app: RegisteredApp, issuer: str) -> tokens.TokenBody:
    raw = _required(form, "refresh_token")
    with transaction.atomic():
        token = (
            QboToken.objects.select_for_update(of=("self",))
            .select_related("connection__company")
            .filter(token_hash=digest(raw), kind=QboToken.Kind.REFRESH)
            .first()
        )
        outcome = tokens.refresh_outcome(token, app.client_id)
        QboRefreshPresentation.objects.create(
            token_hash=digest(raw),
            last4=last4(raw),
            token=token,
            client_id=app.client_id,
            outcome=outcome,
        )
        if token is not None and outcome != Outcome.INVALID_GRANT:
            return tokens.answer_refresh(token, raw, outcome)
    raise OAuthError("invalid_grant")


GRANTS: dict[str, Callable[[Form, RegisteredApp, str], tokens.TokenBody]] = {
    "authorization_code": redeem_code,
    "refresh_token": refresh,
}
