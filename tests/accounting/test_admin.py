"""The accounting admin's cached remote choices: listed and shown to platform staff,
never added, changed or deleted there."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounting.models import RemoteChoices
from tests import factories
from tests.conftest import Tenants, client_for
from tests.integrations.helpers import make_connection


@pytest.fixture
def staff(tenants: Tenants) -> Client:
    return client_for(factories.make_superuser())


@pytest.fixture
def cached(tenants: Tenants) -> RemoteChoices:
    connection = make_connection(tenants.alpha, remote_name="Alpha's Xero org")
    return RemoteChoices.objects.create(
        organisation=tenants.alpha,
        connection=connection,
        choices={
            "accounts": [{"code": "200", "name": "Equipment hire income"}, {"code": "260"}],
            "tax_rates": [{"code": "OUTPUT2", "name": "20% (VAT on Income)"}],
        },
        fetched_at=timezone.now(),
    )


def test_remote_choices_are_registered_in_the_admin() -> None:
    assert RemoteChoices in admin.site._registry


def test_staff_see_each_connections_cached_choices_and_their_counts(
    staff: Client, cached: RemoteChoices
) -> None:
    listing = staff.get(reverse("admin:accounting_remotechoices_changelist"))
    detail = staff.get(reverse("admin:accounting_remotechoices_change", args=[cached.pk]))

    assert listing.status_code == 200
    assert "2 accounts, 1 tax rates" in listing.content.decode()
    assert detail.status_code == 200
    assert "Equipment hire income" in detail.content.decode()


def test_the_cached_choices_cannot_be_added_changed_or_deleted_in_the_admin(
    staff: Client, cached: RemoteChoices
) -> None:
    change = reverse("admin:accounting_remotechoices_change", args=[cached.pk])

    assert staff.get(reverse("admin:accounting_remotechoices_add")).status_code == 403
    assert staff.post(change, {"error": "edited"}).status_code == 403
    delete = reverse("admin:accounting_remotechoices_delete", args=[cached.pk])
    assert staff.post(delete, {"post": "yes"}).status_code == 403
    cached.refresh_from_db()
    assert cached.error == ""
    assert RemoteChoices.objects.filter(pk=cached.pk).exists()


def test_the_admin_shows_no_token_of_the_connection(staff: Client, cached: RemoteChoices) -> None:
    grant = cached.connection.grant
    assert grant is not None

    detail = staff.get(reverse("admin:accounting_remotechoices_change", args=[cached.pk]))

    body = detail.content.decode()
    assert grant.access_token not in body and grant.refresh_token not in body
