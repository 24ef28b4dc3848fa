"""What happens on Intuit's side without the app asking, and the fast way in for tests.

`connect(realm_id)` connects the registered app to a company and returns a fresh token set,
exactly as a completed consent plus code exchange would, without a browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from sandbox.quickbooks import notifications, tokens
from sandbox.quickbooks.clients import registered_app
from sandbox.quickbooks.identity import connect as connect_company
from sandbox.quickbooks.identity import revoke_connection
from sandbox.quickbooks.models import QboCompany, QboConnection, QboDelivery, QboToken, QboUser
from sandbox.quickbooks.scopes import ACCOUNTING
from sandbox.quickbooks.seed import SANDBOX_USER, ensure_demo_world


@dataclass(frozen=True)
class TokenSet:
    realm_id: str
    access_token: str
    refresh_token: str
    expires_in: int
    x_refresh_token_expires_in: int


def connect(
    realm_id: str, email: str = SANDBOX_USER, scope: str = ACCOUNTING, client_id: str | None = None
) -> TokenSet:
    """Connect the app to the company as `email` and issue tokens (the demo world is
    created if missing). The user must have the company, as on the consent screen."""
    ensure_demo_world()
    user = QboUser.objects.get(email=email)
    company = user.companies.get(realm_id=realm_id)
    connection = connect_company(user, company, client_id or registered_app().client_id)
    body = tokens.issue(connection, scope)
    return TokenSet(
        realm_id=realm_id,
        access_token=str(body["access_token"]),
        refresh_token=str(body["refresh_token"]),
        expires_in=int(body["expires_in"]),
        x_refresh_token_expires_in=int(body["x_refresh_token_expires_in"]),
    )


def connection_for(realm_id: str, client_id: str | None = None) -> QboConnection:
    return QboConnection.objects.select_related("company", "user").get(
        company__realm_id=realm_id, client_id=client_id or registered_app().client_id
    )


def expire_access_tokens(realm_id: str) -> int:
    """Every live access token of the company's connection expires now (API calls get 401)."""
    now = timezone.now()
    return (
        connection_for(realm_id)
        .tokens.filter(kind=QboToken.Kind.ACCESS, expires_at__gt=now)
        .update(expires_at=now)
    )


def expire_refresh_tokens(realm_id: str) -> int:
    """Every refresh token lapses now, as if unused for 100 days."""
    now = timezone.now()
    return (
        connection_for(realm_id)
        .tokens.filter(kind=QboToken.Kind.REFRESH, expires_at__gt=now)
        .update(expires_at=now)
    )


def reach_hard_expiry(realm_id: str) -> None:
    """The connection reaches its five-year cap now."""
    connection = connection_for(realm_id)
    connection.hard_expires_at = timezone.now() - timedelta(seconds=1)
    connection.save(update_fields=["hard_expires_at"])


def disconnect_app(realm_id: str, client_id: str | None = None) -> QboDelivery | None:
    """The user disconnects the app inside QuickBooks: every token stops working and Intuit
    calls the app's Disconnect URL with the realmId. Returns that call's record."""
    with transaction.atomic():
        revoke_connection(connection_for(realm_id, client_id))
        return notifications.disconnected(realm_id)


def company(realm_id: str) -> QboCompany:
    return QboCompany.objects.get(realm_id=realm_id)
