"""Issuing token sets and refreshing them the way Intuit does.

- Access tokens last an hour; refresh tokens 100 days, extended each time they are used.
- The refresh token's value changes over time: Intuit says to keep "the latest
  refresh_token value from the most recent server response". Integrators report a new
  value about every 24 hours, with the previous value working for about 24 hours more
  (https://github.com/airbytehq/airbyte/issues/7296). The sandbox returns the same value
  until it is REFRESH_ROTATE_SECONDS old, then a new one; a replaced value works for
  REFRESH_OVERLAP_SECONDS. REFRESH_SINGLE_USE gives a new value on every refresh and kills
  the old one at once (https://github.com/airbytehq/airbyte/issues/49842).
- A connection's tokens stop at its five-year hard expiry, and with its revocation.
https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/faq
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from sandbox.core.crypto import new_token
from sandbox.core.server import keep_token
from sandbox.quickbooks import conf, signing
from sandbox.quickbooks.models import QboConnection, QboRefreshPresentation, QboToken
from sandbox.quickbooks.scopes import OPENID

Outcome = QboRefreshPresentation.Outcome
TokenBody = dict[str, Any]
ID_TOKEN_SECONDS = 3_600


def issue(
    connection: QboConnection,
    scope: str,
    *,
    refresh_raw: str | None = None,
    refresh: QboToken | None = None,
    parent: QboToken | None = None,
    issuer: str = "",
    nonce: str = "",
) -> TokenBody:
    """A token response. Pass the kept refresh token (and its value) to answer with it;
    otherwise a new refresh token is issued, descended from `parent`."""
    now = timezone.now()
    access = new_token("eyJ")
    access_seconds = conf.seconds("ACCESS_TOKEN_SECONDS")
    _store(connection, QboToken.Kind.ACCESS, access, scope, now + timedelta(seconds=access_seconds))
    if refresh is None or refresh_raw is None:
        refresh_raw = new_token("AB11")
        refresh = _store(
            connection, QboToken.Kind.REFRESH, refresh_raw, scope, _refresh_expiry(connection, now)
        )
        refresh.parent = parent
        refresh.save(update_fields=["parent"])
    body: TokenBody = {
        "token_type": "bearer",
        "access_token": access,
        "expires_in": access_seconds,
        "refresh_token": refresh_raw,
        "x_refresh_token_expires_in": max(int((refresh.expires_at - now).total_seconds()), 0),
    }
    if conf.get("SEND_HARD_EXPIRY"):
        # The wire name is unconfirmed (the Java SDK calls it xRefreshTokenHardExpiresIn).
        hard = connection.hard_expires_at - now
        body["x_refresh_token_hard_expires_in"] = max(int(hard.total_seconds()), 0)
    if OPENID in scope.split() and issuer:
        body["id_token"] = _id_token(connection, issuer, now, nonce)
    return body


def rolling_outcome(token: QboToken) -> str:
    """What presenting this live refresh token of the app's now leads to."""
    now = timezone.now()
    if now >= token.connection.hard_expires_at:
        return Outcome.INVALID_GRANT
    single_use = bool(conf.get("REFRESH_SINGLE_USE"))
    if token.superseded_at is not None:
        overlap = timedelta(seconds=conf.seconds("REFRESH_OVERLAP_SECONDS"))
        if single_use or now >= token.superseded_at + overlap:
            return Outcome.INVALID_GRANT
        return Outcome.OVERLAP
    rotate_after = timedelta(seconds=conf.seconds("REFRESH_ROTATE_SECONDS"))
    if single_use or now >= token.issued_at + rotate_after:
        return Outcome.ROTATED
    return Outcome.KEPT


def answer_refresh(token: QboToken, raw: str, outcome: str) -> TokenBody:
    """The token response for a refresh token that may be used (caller holds its row lock)."""
    now = timezone.now()
    connection = token.connection
    if outcome == Outcome.KEPT:
        token.expires_at = _refresh_expiry(connection, now)
        token.save(update_fields=["expires_at"])
        return issue(connection, token.scope, refresh_raw=raw, refresh=token)
    # A new value replaces every value still current on this connection: the client must
    # keep the newest. Replaced values keep working for the overlap period.
    connection.tokens.filter(
        kind=QboToken.Kind.REFRESH, superseded_at__isnull=True, revoked_at__isnull=True
    ).update(superseded_at=now)
    return issue(connection, token.scope, parent=token)


def _refresh_expiry(connection: QboConnection, now: datetime) -> datetime:
    rolling = now + timedelta(seconds=conf.seconds("REFRESH_TOKEN_SECONDS"))
    return min(rolling, connection.hard_expires_at)


def _store(
    connection: QboConnection, kind: str, raw: str, scope: str, expires_at: datetime
) -> QboToken:
    token: QboToken = keep_token(QboToken, kind, raw, scope, expires_at, connection=connection)
    return token


def _id_token(connection: QboConnection, issuer: str, now: datetime, nonce: str) -> str:
    """An OpenID Connect ID token as Intuit issues it: RS256 with a key from the JWKS, the
    app as audience, the company as `realmid`, and the request's nonce echoed."""
    issued = int(now.timestamp())
    claims: dict[str, Any] = {
        "iss": issuer,
        "sub": connection.user.sub,
        "aud": [connection.client_id],
        "realmid": connection.company.realm_id,
        "auth_time": issued,
        "iat": issued,
        "exp": issued + ID_TOKEN_SECONDS,
    }
    if nonce:
        claims["nonce"] = nonce
    return signing.sign(claims)
