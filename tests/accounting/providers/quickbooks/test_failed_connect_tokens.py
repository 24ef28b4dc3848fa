"""A QuickBooks connect that fails after the code exchange leaves no live tokens at Intuit,
unless revoking them would end another connection to the same company."""

from __future__ import annotations

from typing import Any

import pytest

from integrations import flow
from integrations.models import Connection, OAuthGrant, OAuthState
from integrations.tokens import refresh_grant
from tests.accounting.providers.quickbooks import helpers
from tests.accounting.providers.quickbooks.test_code_binding import issued as issued
from tests.accounting.providers.quickbooks.test_code_binding import messages_of, refused_at_sandbox
from tests.conftest import Tenants, client_for


def test_a_refused_second_company_has_its_tokens_revoked(
    quickbooks_sandbox: str, tenants: Tenants, issued: list[dict[str, Any]]
) -> None:
    client = client_for(tenants.owner)
    helpers.connect(client, helpers.US_REALM)

    answer = helpers.connect(client, helpers.UK_REALM)

    assert "already syncs with Harbour Hire Co" in messages_of(answer)
    assert refused_at_sandbox(issued[1])
    first = helpers.connection_for(helpers.US_REALM)
    assert first.grant is not None
    refresh_grant(first.grant.pk, seen_version=first.grant.version)  # the first still works


def test_refused_tokens_are_kept_when_revoking_would_end_another_connection(
    quickbooks_sandbox: str, tenants: Tenants, issued: list[dict[str, Any]]
) -> None:
    """Intuit's revocation disconnects the app from the whole company: Bravo's connection
    to the US company must survive Alpha's refused attempt at the same company."""
    helpers.connect(client_for(tenants.outsider), helpers.US_REALM)
    alpha = client_for(tenants.owner)
    helpers.connect(alpha, helpers.UK_REALM)

    answer = helpers.connect(alpha, helpers.US_REALM)

    assert "already syncs with" in messages_of(answer)
    refused = OAuthState.objects.filter(organisation=tenants.alpha).latest("created_at")
    assert refused.discard_outcome.startswith("kept")
    bravo = Connection.objects.get(organisation=tenants.bravo)
    assert bravo.grant is not None
    refresh_grant(bravo.grant.pk, seen_version=bravo.grant.version)


def test_an_unexpected_error_after_the_exchange_revokes_the_tokens(
    quickbooks_sandbox: str,
    tenants: Tenants,
    issued: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Connection:
        raise RuntimeError("a bug")

    monkeypatch.setattr(flow, "attach", broken)

    with pytest.raises(RuntimeError):
        helpers.connect(client_for(tenants.owner), helpers.US_REALM)

    assert not OAuthGrant.objects.exists()
    assert refused_at_sandbox(issued[0])
    assert "unexpected RuntimeError" in OAuthState.objects.get().discard_outcome
