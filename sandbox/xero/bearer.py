"""Checking the Bearer access token on every API call."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone

from sandbox.xero import jwt
from sandbox.xero.crypto import digest
from sandbox.xero.keys import access_token_key
from sandbox.xero.models import XeroToken
from sandbox.xero.problems import AUTHENTICATION_UNSUCCESSFUL


class Unauthenticated(Exception):
    def __init__(self, detail: str = AUTHENTICATION_UNSUCCESSFUL) -> None:
        super().__init__(detail)
        self.detail = detail


def authenticate(authorization: str) -> XeroToken:
    """The live access token in an Authorization header, or Unauthenticated."""
    scheme, _, raw = authorization.partition(" ")
    raw = raw.strip()
    claims = jwt.decode(raw, access_token_key()) if scheme.lower() == "bearer" else None
    if claims is None or not isinstance(claims.get("exp"), int):
        raise Unauthenticated()
    _refuse_expired(claims["exp"])
    token = (
        XeroToken.objects.select_related("grant__user")
        .filter(token_hash=digest(raw), kind=XeroToken.Kind.ACCESS, revoked_at__isnull=True)
        .first()
    )
    if token is None:
        raise Unauthenticated()
    return token


def _refuse_expired(exp: int) -> None:
    expired_at = datetime.fromtimestamp(exp, UTC)
    if timezone.now() >= expired_at:
        # Xero's wording and its month-first timestamp, as clients have recorded it.
        # https://github.com/waynerobinson/xeroizer/pull/509
        raise Unauthenticated(f"TokenExpired: token expired at {expired_at:%m/%d/%Y %H:%M:%S}")
