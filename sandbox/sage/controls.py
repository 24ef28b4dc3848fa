"""What happens on Sage's side without the app asking: the console's buttons, the same
actions as functions for tests, and a browser-free way to get tokens."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from sandbox.core.server import live_grant
from sandbox.sage import tokens
from sandbox.sage.identity import registered_app, revoke_grant
from sandbox.sage.models import SageBusiness, SageGrant, SageToken, SageUser
from sandbox.sage.seed import SANDBOX_USER, ensure_demo_world


def issue_tokens_for(
    email: str = SANDBOX_USER, scope: str = "full_access", client_id: str | None = None
) -> dict[str, Any]:
    """A token response as if `email` had just consented and the code was redeemed.

    For tests and benchmarks that need a connected business without a browser; the
    body is what POST /oauth/token returns (access_token, refresh_token, ...).
    """
    ensure_demo_world()
    user = SageUser.objects.get(email=email)
    app_id = client_id or registered_app().client_id
    return tokens.issue(live_grant(SageGrant, user=user, client_id=app_id), scope)


def grant_for(email: str, client_id: str | None = None) -> SageGrant:
    return SageGrant.objects.get(
        user__email=email, client_id=client_id or registered_app().client_id
    )


def expire_refresh_tokens(grant: SageGrant) -> int:
    """Every refresh token of the grant lapses now, as if unused for 31 days."""
    now = timezone.now()
    return grant.tokens.filter(
        kind=SageToken.Kind.REFRESH, revoked_at__isnull=True, expires_at__gt=now
    ).update(expires_at=now)


def expire_access_tokens(grant: SageGrant) -> int:
    """Every access token of the grant runs out now (as five minutes would)."""
    now = timezone.now()
    return grant.tokens.filter(kind=SageToken.Kind.ACCESS, expires_at__gt=now).update(
        expires_at=now
    )


def expire_refresh_tokens_for(email: str, client_id: str | None = None) -> int:
    return expire_refresh_tokens(grant_for(email, client_id))


def revoke_app_for(email: str, client_id: str | None = None) -> None:
    """The user removes the app's access inside Sage: refresh gets invalid_grant."""
    revoke_grant(grant_for(email, client_id))


def business(business_id: str) -> SageBusiness:
    return SageBusiness.objects.get(guid=business_id)


def set_subscription(business_id: str, active: bool) -> SageBusiness:
    """Cancel (or restore) a business's subscription: its API calls get 401 (MSE)."""
    row = business(business_id)
    row.subscription_active = active
    row.updated_at = timezone.now()
    row.save(update_fields=["subscription_active", "updated_at"])
    return row


def set_lead_business(email: str, business_id: str) -> SageUser:
    """Change which business a call without X-Business goes to."""
    user = SageUser.objects.get(email=email)
    user.lead_business = user.businesses.get(guid=business_id)
    user.save(update_fields=["lead_business"])
    return user
