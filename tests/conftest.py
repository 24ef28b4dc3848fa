"""Shared fixtures: two organisations, a user for every role, and an outsider."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tenancy.models import Organisation, User
from tenancy.roles import Role
from tests import factories


def pytest_sessionstart(session: pytest.Session) -> None:
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine:
        pytest.exit(
            f"The suite runs on PostgreSQL, but DATABASE_URL points at {engine}. "
            "Run it with `make test`, or set DATABASE_URL=postgres://…",
            returncode=2,
        )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked slow go first (in their order): under pytest-xdist each starts on its
    own worker at once, rather than one starting last and ending the run alone."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def specs_dir() -> Path:
    """The providers' official specs (third-party data read in place, never copied)."""
    folder = Path(settings.SPECS_DIR)
    if not folder.is_dir():
        reason = f"The provider specs folder {folder} is absent (set SPECS_DIR)."
        if os.environ.get("REQUIRE_SPECS") == "1":
            pytest.fail(f"REQUIRE_SPECS=1 but {reason}")
        pytest.skip(reason)
    return folder


@dataclass
class Tenants:
    """Alpha has one user per role; Bravo's owner is the outsider to Alpha."""

    alpha: Organisation
    bravo: Organisation
    by_role: dict[str, User]
    outsider: User

    @property
    def owner(self) -> User:
        return self.by_role[Role.OWNER]

    @property
    def manager(self) -> User:
        return self.by_role[Role.INTEGRATION_MANAGER]

    @property
    def bookkeeper(self) -> User:
        return self.by_role[Role.BOOKKEEPER]

    @property
    def crew(self) -> User:
        return self.by_role[Role.CREW]


@pytest.fixture
def tenants(db: None) -> Tenants:
    alpha = factories.make_organisation("Alpha Hire")
    bravo = factories.make_organisation("Bravo Hire")
    by_role = {
        role.value: factories.make_user(f"{role.value}@alpha.test", alpha, role) for role in Role
    }
    outsider = factories.make_user("outsider@bravo.test", bravo, Role.OWNER)
    return Tenants(alpha=alpha, bravo=bravo, by_role=by_role, outsider=outsider)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(tenants: Tenants) -> Client:
    return client_for(tenants.owner)


@pytest.fixture
def xero_sandbox(live_server: Any, settings: Any, transactional_db: None) -> str:
    """Points every Xero URL at the sandbox served by the live test server."""
    from sandbox.xero.seed import ensure_demo_world

    base = f"{live_server.url}/sandbox/xero"
    settings.XERO_AUTHORIZE_URL = f"{base}/identity/connect/authorize"
    settings.XERO_TOKEN_URL = f"{base}/identity/connect/token"
    settings.XERO_REVOCATION_URL = f"{base}/identity/connect/revocation"
    settings.XERO_CONNECTIONS_URL = f"{base}/connections"
    settings.XERO_API_BASE = f"{base}/api.xro/2.0"
    settings.SANDBOX_XERO_REDIRECT_URIS = [
        f"{live_server.url}/settings/integrations/xero/callback/"
    ]
    ensure_demo_world()
    return base


# Redis state that outlives a test's transaction. Test databases restart their ids at 1
# on every run, so a cached public answer or key lookup left by an earlier run (or test)
# would otherwise be read as this one's organisation's.
REDIS_STATE_PATTERNS = ("patchbay:budget:*", "*:pub:*", "*:wk:*", "*:wp-usage:*")


@pytest.fixture(autouse=True)
def _fresh_redis_state() -> None:
    """Rate budgets and the public API's caches start empty in each test."""
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = [key for pattern in REDIS_STATE_PATTERNS for key in client.scan_iter(pattern)]
    if keys:
        client.delete(*keys)
