"""The API access page and the key pages, role by role."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apikeys.models import ApiKey
from tests.api.helpers import make_key
from tests.conftest import Tenants, client_for
from tests.webhooks.helpers import make_endpoint

INDEX = reverse("apikeys:index")
CREATE = reverse("apikeys:key_create")


def test_a_created_key_is_shown_once_then_only_masked(tenants: Tenants) -> None:
    client = client_for(tenants.manager)
    response = client.post(
        CREATE, {"name": "Warehouse board", "access": "read_only", "expires_at": ""}
    )
    assert response.status_code == 201
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    key = ApiKey.objects.get()
    assert (key.organisation, key.created_by) == (tenants.alpha, tenants.manager)
    page = client.get(INDEX).content.decode()
    assert secret not in page
    assert key.masked in page
    assert "Read-only" in page


def test_custom_scopes_are_kept_per_module(tenants: Tenants) -> None:
    data = {
        "name": "Sync",
        "access": "custom",
        "scope_invoices": "read",
        "scope_customers": "write",
    }
    for module in ("equipment", "projects", "quotes", "payments", "webhooks"):
        data[f"scope_{module}"] = "none"
    assert client_for(tenants.owner).post(CREATE, data).status_code == 201
    assert ApiKey.objects.get().scopes["customers"] == "write"
    assert ApiKey.objects.get().scopes["equipment"] == "none"


def test_mistakes_are_shown_beside_their_fields(tenants: Tenants) -> None:
    response = client_for(tenants.manager).post(
        CREATE, {"name": "", "access": "read_only", "expires_at": "2001-01-01T10:00"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"name", "expires_at"}
    assert 'class="field-error"' in response.content.decode()
    assert not ApiKey.objects.exists()


def test_revoking_asks_first_then_is_final(tenants: Tenants) -> None:
    key, _ = make_key(tenants.alpha)
    url = reverse("apikeys:key_revoke", kwargs={"pk": key.pk})
    client = client_for(tenants.manager)
    assert "cannot be undone" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    key.refresh_from_db()
    assert key.revoked_reason == "manual"
    assert "Revoked" in client.get(INDEX).content.decode()


def test_only_the_owner_sets_elevated_limits(tenants: Tenants) -> None:
    key, _ = make_key(tenants.alpha)
    url = reverse("apikeys:key_limits", kwargs={"pk": key.pk})
    assert client_for(tenants.manager).get(url).status_code == 403
    owner = client_for(tenants.owner)
    missing = owner.post(url, {"tier": "elevated", "minute_limit": "500"})
    assert missing.status_code == 400
    assert "hour_limit" in missing.context["form"].errors
    assert (
        owner.post(url, {"tier": "elevated", "minute_limit": 500, "hour_limit": 9000}).status_code
        == 302
    )
    key.refresh_from_db()
    assert (key.tier, key.minute_limit, key.hour_limit) == ("elevated", 500, 9000)


@pytest.mark.parametrize("role", ["bookkeeper", "crew"])
def test_roles_without_api_access_are_refused(tenants: Tenants, role: str) -> None:
    client = client_for(tenants.by_role[role])
    assert client.get(INDEX).status_code == 403
    assert client.post(CREATE, {"name": "x", "access": "read_only"}).status_code == 403
    assert not ApiKey.objects.exists()


def test_another_organisations_key_is_a_404(tenants: Tenants) -> None:
    key, _ = make_key(tenants.alpha)
    outsider = client_for(tenants.outsider)
    assert outsider.post(reverse("apikeys:key_revoke", kwargs={"pk": key.pk})).status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None


def test_the_card_links_to_the_page_and_counts_what_is_in_use(tenants: Tenants) -> None:
    make_key(tenants.alpha)
    make_endpoint(tenants.alpha)
    manager_page = client_for(tenants.manager).get("/settings/integrations/").content.decode()
    assert f'href="{INDEX}"' in manager_page
    assert "1 active key · 1 webhook endpoint" in manager_page
    assert f'href="{reverse("api:docs")}"' in manager_page
    books_page = client_for(tenants.bookkeeper).get("/settings/integrations/").content.decode()
    assert f'href="{INDEX}"' not in books_page
    assert "Only owners and integration managers manage API access." in books_page
    assert f'href="{reverse("apikeys:webhooks:deliveries")}"' in books_page
