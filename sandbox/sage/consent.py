"""What the consent screen's "Allow" does: a grant for the user and app, and a code.

The code carries the user's region as a prefix ("GB/..."), which the callback URL
shows percent-encoded ("GB%2F...").
https://developer.sage.com/accounting/guides/authenticating/authentication
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sandbox.sage.authorize import AuthorizationRequest
from sandbox.sage.crypto import digest, new_secret
from sandbox.sage.models import SageAuthorizationCode, SageGrant, SageUser


def issue_code(user: SageUser, request: AuthorizationRequest) -> str:
    code = f"{user.country.upper()}/{new_secret()}"
    now = timezone.now()
    with transaction.atomic():
        grant, _ = SageGrant.objects.get_or_create(user=user, client_id=request.client_id)
        if grant.revoked_at is not None:
            # Consenting again after a revocation brings the grant back.
            grant.revoked_at = None
            grant.save(update_fields=["revoked_at"])
        SageAuthorizationCode.objects.create(
            code_hash=digest(code),
            grant=grant,
            redirect_uri=request.redirect_uri,
            scope=request.scope,
            code_challenge=request.code_challenge,
            code_challenge_method=request.code_challenge_method,
            issued_at=now,
            expires_at=now + timedelta(seconds=settings.SANDBOX_SAGE_CODE_SECONDS),
        )
    return code
