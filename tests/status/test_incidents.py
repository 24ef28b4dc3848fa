"""Operators post incident notes from the Django admin; the page shows them."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from status.models import ProviderIncident
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def _admin_time(moment: datetime) -> dict[str, str]:
    local = timezone.localtime(moment)
    return {"0": f"{local:%Y-%m-%d}", "1": f"{local:%H:%M:%S}"}


def test_an_incident_posted_in_the_admin_shows_on_the_page_and_marks_the_provider() -> None:
    staff = client_for(factories.make_superuser())
    started = _admin_time(timezone.now() - timedelta(minutes=10))

    posted = staff.post(
        "/admin/status/providerincident/add/",
        {
            "provider": "quickbooks",
            "title": "QuickBooks answers slowly",
            "body": "Intuit is investigating.\nSyncs carry on and catch up.",
            "started_at_0": started["0"],
            "started_at_1": started["1"],
            "resolved_at_0": "",
            "resolved_at_1": "",
        },
    )

    assert posted.status_code == 302, posted.content.decode()[:2000]
    body = Client().get("/status/").content.decode()
    assert "QuickBooks answers slowly" in body
    assert "Intuit is investigating." in body
    assert 'id="quickbooks" data-testid="status-provider" data-level="degraded"' in body


def test_the_admin_offers_only_the_pages_providers() -> None:
    staff = client_for(factories.make_superuser())

    form = staff.get("/admin/status/providerincident/add/").content.decode()

    assert 'value="xero"' in form and 'value="icloud"' in form
    assert 'value="wordpress"' not in form


def test_a_resolved_incident_shows_as_resolved_for_a_week_then_leaves() -> None:
    now = timezone.now()
    ProviderIncident.objects.create(
        provider="xero",
        title="Xero refused logins",
        body="Fixed at Xero.",
        started_at=now - timedelta(hours=3),
        resolved_at=now - timedelta(hours=1),
    )
    ProviderIncident.objects.create(
        provider="xero",
        title="An old outage",
        body="Long gone.",
        started_at=now - timedelta(days=10),
        resolved_at=now - timedelta(days=9),
    )

    body = Client().get("/status/").content.decode()

    assert "Xero refused logins" in body and "resolved" in body
    assert "An old outage" not in body
    assert 'id="xero" data-testid="status-provider" data-level="quiet"' in body
