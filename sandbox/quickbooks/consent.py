"""What "Connect" on the consent screen does: connect the app to the one chosen company
and issue a single-use authorization code."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from sandbox.quickbooks import conf
from sandbox.quickbooks.authorize import AuthorizationRequest
from sandbox.quickbooks.crypto import digest, new_secret
from sandbox.quickbooks.models import QboAuthorizationCode, QboCompany, QboConnection, QboUser


def connect(user: QboUser, company: QboCompany, client_id: str) -> QboConnection:
    """The app's connection to the company, (re)authorised by `user` now.

    One connection per company and app: a second consent, by anyone, re-authorises it, and
    a new consent starts a new five-year hard-expiry period.
    """
    now = timezone.now()
    with transaction.atomic():
        connection, _ = QboConnection.objects.select_for_update().get_or_create(
            company=company,
            client_id=client_id,
            defaults={"user": user, "created_at": now, "hard_expires_at": _hard_expiry(now)},
        )
        connection.user = user
        connection.revoked_at = None
        connection.hard_expires_at = _hard_expiry(now)
        connection.save(update_fields=["user", "revoked_at", "hard_expires_at"])
    return connection


def grant_access(user: QboUser, request: AuthorizationRequest, company: QboCompany) -> str:
    connection = connect(user, company, request.client_id)
    now = timezone.now()
    code = new_secret("AB11")
    QboAuthorizationCode.objects.create(
        code_hash=digest(code),
        connection=connection,
        redirect_uri=request.redirect_uri,
        scope=" ".join(request.scopes),
        nonce=request.nonce,
        issued_at=now,
        expires_at=now + timedelta(seconds=conf.seconds("CODE_SECONDS")),
    )
    return code


def _hard_expiry(now: datetime) -> datetime:
    return now + timedelta(seconds=conf.seconds("HARD_EXPIRY_SECONDS"))
