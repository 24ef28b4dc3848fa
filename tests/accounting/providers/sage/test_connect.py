"""Connecting a Patchbay organisation to a Sage business through the sandbox."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from accounting.providers.sage.adapter import SageAdapter
from integrations.audit import Recorder
from integrations.models import Connection, OAuthGrant
from integrations.registry import provider_for
from sandbox.sage import inspect
from sandbox.sage.models import SageUser
from sandbox.sage.seed import DEMO_HIRE_UK, LIFFEY_STAGING_IE, SANDBOX_USER
from tests.accounting.choices import fetch_choices
from tests.accounting.providers.sage.helpers import (
    BANK_1200,
    SALES_4000,
    connect_through_sandbox,
    local,
)
from tests.conftest import Tenants, client_for
from tests.integrations.helpers import disconnect_through_page


def test_the_consent_url_keeps_sages_filter_and_adds_the_rest_with_an_ampersand(
    sage_sandbox: str, tenants: Tenants
) -> None:
    location = client_for(tenants.owner).post("/settings/integrations/sage/connect/")["Location"]

    assert location.count("?") == 1 and location.count("filter=apiv3.1") == 1
    query = parse_qs(urlsplit(location).query)
    assert query["scope"] == ["full_access"] and query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and query["state"]


def test_a_user_with_two_businesses_picks_one_and_the_card_names_it(
    sage_sandbox: str, tenants: Tenants
) -> None:
    owner = client_for(tenants.owner)
    authorize = owner.post("/settings/integrations/sage/connect/")["Location"]
    sign_in = owner.get(local(authorize))["Location"]
    consent = owner.post(local(sign_in), {"user": SANDBOX_USER})["Location"]
    callback = owner.post(local(consent), {"action": "allow"})["Location"]
    assert "code=GB%2F" in callback  # Sage's region-prefixed code

    picker = owner.get(local(callback), follow=True)
    assert b"Demo Hire Ltd" in picker.content and b"Liffey Staging Ltd" in picker.content
    assert not Connection.objects.exists()  # nothing until a business is chosen
    owner.post("/settings/integrations/sage/choose/", {"remote_id": LIFFEY_STAGING_IE})

    connection = Connection.objects.get()
    assert (connection.remote_id, connection.remote_name) == (
        LIFFEY_STAGING_IE,
        "Liffey Staging Ltd",
    )
    assert connection.state == Connection.State.CONNECTED
    grant = OAuthGrant.objects.get()
    assert grant.subject == SageUser.objects.get(email=SANDBOX_USER).guid  # requested_by_id
    assert b"Liffey Staging Ltd" in owner.get("/settings/integrations/").content


def test_check_and_the_mapping_choices_come_from_the_business_named_in_x_business(
    sage_sandbox: str, tenants: Tenants
) -> None:
    connect_through_sandbox(client_for(tenants.owner))
    connection = Connection.objects.select_related("organisation").get()

    provider_for("sage").check(connection)  # raises unless the business answers
    adapter = SageAdapter(connection, Recorder(connection, None))
    accounts = {choice.code: choice for choice in adapter.accounts()}
    rates = {choice.code: choice.name for choice in adapter.tax_rates()}

    assert accounts[SALES_4000].name == "4000 Sales Type A" and not accounts[SALES_4000].kind
    assert accounts[BANK_1200].accepts_payments and not accounts[SALES_4000].accepts_payments
    assert rates["GB_STANDARD"] == "Standard 20.00%"
    # Every call named the business (the sandbox refuses calls without X-Business here).
    assert inspect.api_call_count(status=403) == 0


def test_the_mappings_page_offers_sages_chart(sage_sandbox: str, tenants: Tenants) -> None:
    owner = client_for(tenants.owner)
    connect_through_sandbox(owner)
    from tests import factories

    factories.line(tenants.alpha, "1.00")
    fetch_choices(Connection.objects.get())
    page = owner.get("/settings/accounting/mappings/").content.decode()

    assert "4000 Sales Type A" in page and "Standard 20.00%" in page and "Current (1200)" in page


def test_disconnecting_revokes_the_grant_with_nothing_to_unlink_per_business(
    sage_sandbox: str, tenants: Tenants
) -> None:
    owner = client_for(tenants.owner)
    connect_through_sandbox(owner)
    connection = Connection.objects.get()

    disconnect_through_page(
        owner, f"/settings/integrations/sage/connections/{connection.pk}/disconnect/"
    )

    connection.refresh_from_db()
    assert connection.state == Connection.State.DISCONNECTED
    assert OAuthGrant.objects.get().status == OAuthGrant.Status.REVOKED
    assert inspect.live_tokens("refresh") == 0  # the sandbox ended the grant's refresh tokens


def test_reconnecting_the_same_business_keeps_the_connection(
    sage_sandbox: str, tenants: Tenants
) -> None:
    owner = client_for(tenants.owner)
    connect_through_sandbox(owner, DEMO_HIRE_UK)
    first = Connection.objects.get()

    connect_through_sandbox(owner, DEMO_HIRE_UK)

    assert Connection.objects.get().pk == first.pk
