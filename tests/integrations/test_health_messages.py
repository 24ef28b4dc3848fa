"""A connection's trouble names its platform and says what to do next."""

from __future__ import annotations

from integrations import health
from integrations.models import Connection
from tests.conftest import Tenants
from tests.integrations.helpers import make_connection, make_grant


def test_a_refused_sign_in_names_the_platform_and_asks_to_reconnect_it(tenants: Tenants) -> None:
    grant = make_grant(tenants.alpha, provider="sage", subject="sage-user")
    connection = make_connection(tenants.alpha, grant, provider="sage", remote_name="Demo Hire")

    health.grant_invalid(grant, "the sign-in was revoked or has expired")

    connection.refresh_from_db()
    assert connection.state == Connection.State.ERROR
    assert connection.reason.startswith("Sage Business Cloud no longer accepts")
    assert "Reconnect Sage Business Cloud to resume syncing" in connection.reason
    assert "the provider" not in connection.reason


def test_a_failing_renewal_names_the_platform_and_says_it_retries(tenants: Tenants) -> None:
    grant = make_grant(tenants.alpha)
    connection = make_connection(tenants.alpha, grant)

    health.refresh_unavailable(grant, "the token endpoint timed out")

    connection.refresh_from_db()
    assert connection.state == Connection.State.DEGRADED
    assert "access to Xero is failing: the token endpoint timed out" in connection.reason
