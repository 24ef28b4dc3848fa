"""What "Allow access" does: connect the chosen organisations and issue a code."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sandbox.xero.authorize import AuthorizationRequest
from sandbox.xero.crypto import digest, new_secret
from sandbox.xero.models import (
    XeroAuthorizationCode,
    XeroConnection,
    XeroGrant,
    XeroOrganisation,
    XeroUser,
)


def grant_access(
    user: XeroUser, request: AuthorizationRequest, organisations: Iterable[XeroOrganisation]
) -> str:
    """Connect each organisation under one new auth event; return a single-use code."""
    now = timezone.now()
    auth_event_id = uuid.uuid4()
    with transaction.atomic():
        grant = _live_grant(user, request.client_id, now)
        for organisation in organisations:
            _connect(grant, organisation, auth_event_id, now)
        return _new_code(grant, request, auth_event_id, now)


def _live_grant(user: XeroUser, client_id: str, now: datetime) -> XeroGrant:
    grant, _ = XeroGrant.objects.select_for_update().get_or_create(
        user=user, client_id=client_id, defaults={"created_at": now}
    )
    if grant.revoked_at is not None:
        # A consent after a revocation authorises the app again.
        grant.revoked_at = None
        grant.save(update_fields=["revoked_at"])
    return grant


def _connect(
    grant: XeroGrant, organisation: XeroOrganisation, auth_event_id: uuid.UUID, now: datetime
) -> None:
    connection, created = XeroConnection.objects.get_or_create(
        grant=grant,
        organisation=organisation,
        defaults={"auth_event_id": auth_event_id, "created_at": now, "updated_at": now},
    )
    if not created:
        # A reconnect keeps the connection id and creation date (see updatedDateUtc
        # in the identity spec) and joins this consent's auth event.
        connection.auth_event_id = auth_event_id
        connection.updated_at = now
        connection.save(update_fields=["auth_event_id", "updated_at"])


def _new_code(
    grant: XeroGrant, request: AuthorizationRequest, auth_event_id: uuid.UUID, now: datetime
) -> str:
    code = new_secret()
    XeroAuthorizationCode.objects.create(
        code_hash=digest(code),
        grant=grant,
        redirect_uri=request.redirect_uri,
        scope=" ".join(request.scopes),
        code_challenge=request.code_challenge,
        nonce=request.nonce,
        auth_event_id=auth_event_id,
        issued_at=now,
        expires_at=now + timedelta(seconds=settings.SANDBOX_XERO_CODE_SECONDS),
    )
    return code
