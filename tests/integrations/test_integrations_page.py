from __future__ import annotations

from html import escape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from integrations.registry import ManagedIntegration, registered
from operations.models import Customer, Invoice
from tenancy.roles import Role
from tests import factories
from tests.conftest import Tenants, client_for

INDEX = "/settings/integrations/"


def test_owner_sees_all_eight_cards_not_connected(tenants: Tenants) -> None:
    response = client_for(tenants.owner).get(INDEX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('data-testid="integration-card"') == 8
    for integration in registered():
        assert integration.name in body
        assert escape(integration.description) in body
    # Seven connect or are managed; the website is set up (a key) rather than connected.
    assert body.count(">Not Connected<") == 7
    assert body.count(">Not set up<") == 1


def test_every_integration_is_built_so_no_card_is_available_soon(tenants: Tenants) -> None:
    body = client_for(tenants.owner).get(INDEX).content.decode()
    unbuilt = [i for i in registered() if not (i.connects or isinstance(i, ManagedIntegration))]
    # The accounting and calendar providers connect; API access and the website plugin
    # are managed on their own pages.
    assert unbuilt == []
    assert "Available soon" not in body
    assert "disabled" not in body


def test_owner_can_connect_xero_but_the_bookkeeper_cannot(tenants: Tenants) -> None:
    connect = reverse("integrations:connect-xero")
    owner_page = client_for(tenants.owner).get(INDEX).content.decode()
    books_page = client_for(tenants.bookkeeper).get(INDEX).content.decode()
    assert f'action="{connect}"' in owner_page
    assert f'action="{connect}"' not in books_page
    assert "Only owners and integration managers can connect." in books_page


@pytest.mark.parametrize("role", [Role.OWNER, Role.INTEGRATION_MANAGER, Role.BOOKKEEPER])
def test_roles_that_see_integrations_get_the_page(tenants: Tenants, role: str) -> None:
    assert client_for(tenants.by_role[role]).get(INDEX).status_code == 200


def test_bookkeeper_is_told_the_page_is_read_only(tenants: Tenants) -> None:
    body = client_for(tenants.bookkeeper).get(INDEX).content.decode()
    assert "You can see these integrations but not change them" in body


def test_crew_cannot_open_the_integrations_page(tenants: Tenants) -> None:
    response = client_for(tenants.crew).get(INDEX)
    assert response.status_code == 403
    assert "cannot open this page" in response.content.decode()


def test_anonymous_visitor_is_sent_to_sign_in(db: None) -> None:
    response = client_for_anonymous().get(INDEX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def client_for_anonymous() -> Client:
    return Client()


@pytest.mark.parametrize("integration", registered(), ids=lambda i: i.slug)
def test_each_card_renders_alone_for_htmx(tenants: Tenants, integration) -> None:
    response = client_for(tenants.owner).get(
        reverse(f"integrations:card-{integration.slug}"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="integration-card"') == 1
    assert "HX-Request" in response["Vary"]


def _count_queries(client, url: str) -> int:
    client.get(url)  # the first visit of a session also saves the chosen organisation
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_page_query_count_does_not_grow_with_invoices_and_customers(tenants: Tenants) -> None:
    client = client_for(tenants.owner)
    org = tenants.alpha
    for _ in range(10):
        factories.make_invoice(org)
    small = _count_queries(client, INDEX)

    customers = Customer.objects.bulk_create(
        Customer(organisation=org, name=f"Customer {n}") for n in range(10_000)
    )
    Invoice.objects.bulk_create(
        Invoice(organisation=org, customer=customer, status=Invoice.Status.ISSUED, number=f"N{n}")
        for n, customer in enumerate(customers)
    )
    assert Customer.objects.filter(organisation=org).count() >= 10_000
    assert Invoice.objects.filter(organisation=org).count() >= 10_000
    large = _count_queries(client, INDEX)
    assert small == large
