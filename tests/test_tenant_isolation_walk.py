"""Tenant isolation the suite can see (issue 20).

Both organisations hold a row of every tenant-owned model, each carrying the
organisation's marker in a field its pages show. Each organisation in turn, as every
role, its API key and its website key, GETs every page, API list and detail, public
API endpoint and CSV export: the walk fails on the other organisation's marker anywhere
in a response. The seeded-defect test then removes the organisation filter from each
list view's query in turn and asserts the same check fails, so the check can fail.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db.models import Model

from tests.conftest import Tenants
from tests.ratelimits import fresh_rate_limits  # noqa: F401 - autouse: counters start empty
from tests.tenant_rows import tenant_models
from tests.tenant_walk import leaks, sides, unscoped, walked_routes
from tests.walk import ROUTES, World, make_world

pytestmark = pytest.mark.xdist_group("tenant_isolation_walk")


@pytest.fixture
def world(tenants: Tenants, settings: Any) -> World:
    return make_world(tenants, settings)


def _models(*labels: str) -> tuple[type[Model], ...]:
    return tuple(apps.get_model(label) for label in labels)


SHOWN = "wordpress_bridge.WebsiteSettings_shown_categories"

# Every list view (page, API list, public API list, CSV export) and the tenant model(s)
# whose queries the seeded defect unscopes there: the walk must then see a leak. Lists
# filtered through an already scoped parent (a category's items, a connection's
# mappings, the schedule's people) are seeded on the parent's model.
LIST_VIEWS: list[tuple[str, tuple[str, ...]]] = [
    # The Integrations page and a card show one connection each: they leak one way.
    ("integrations:index", ("integrations.Connection",)),
    ("integrations:card-xero", ("integrations.Connection",)),
    ("integrations:card-wordpress", ("wordpress_bridge.WebsiteSettings",)),
    ("integrations:quickbooks-app", ("integrations.ProviderApp",)),
    ("accounting:runs", ("integrations.SyncRun",)),
    ("accounting:runs", ("integrations.Connection",)),
    ("accounting:audit_log", ("integrations.AuditEntry",)),
    ("accounting:audit_log", ("integrations.Connection",)),
    ("accounting:reviews", ("accounting.Review",)),
    ("accounting:reviews", ("integrations.Connection",)),
    ("accounting:reconciliation", ("accounting.ExternalRef",)),
    ("accounting:reconciliation", ("accounting.Review",)),
    ("accounting:reconciliation", ("integrations.Connection",)),
    ("accounting:mappings", ("integrations.Connection",)),
    ("accounting:mappings", ("operations.IncomeCategory",)),
    ("accounting:mappings", ("operations.TaxCategory",)),
    ("calendars:schedule", ("tenancy.Membership",)),
    ("calendars:assign", ("tenancy.Membership",)),
    ("calendars:assign", ("operations.Project",)),
    ("calendars:calls", ("tenancy.Membership",)),
    ("wordpress_bridge:settings", ("wordpress_bridge.AllowedOrigin",)),
    ("wordpress_bridge:settings", ("operations.EquipmentCategory",)),
    ("wordpress_bridge:settings", ("wordpress_bridge.WebsiteSettings",)),
    ("operations:invoice_list", ("operations.Invoice",)),
    ("operations:customer_list", ("operations.Customer",)),
    ("operations:invoice_create", ("operations.Customer",)),
    ("operations:invoice_create", ("operations.EquipmentItem",)),
    ("operations:invoice_create", ("operations.Project",)),
    ("operations:invoice_create", ("operations.TaxCategory",)),
    ("operations:invoice_create", ("operations.IncomeCategory",)),
    ("operations:booking_list", ("operations.Booking",)),
    ("operations:purchase_order_list", ("operations.PurchaseOrder",)),
    ("operations:purchase_order_create", ("operations.Customer",)),
    ("operations:purchase_order_create", ("operations.ExpenseCategory",)),
    ("operations:purchase_order_create", ("operations.Booking",)),
    ("operations:timesheet_approvals", ("operations.Timesheet",)),
    ("operations:legal_entity_list", ("operations.LegalEntity",)),
    ("operations:contract_list", ("operations.RecurringContract",)),
    ("operations:contract_create", ("operations.Customer",)),
    ("apikeys:index", ("apikeys.ApiKey",)),
    ("apikeys:index", ("apikeys.ApiKeyEvent",)),
    ("apikeys:index", ("webhooks.Endpoint",)),
    ("apikeys:webhooks:deliveries", ("webhooks.Delivery",)),
    ("apikeys:webhooks:deliveries", ("webhooks.Endpoint",)),
    ("api:customer-list", ("operations.Customer",)),
    ("api:equipment-list", ("operations.EquipmentItem",)),
    ("api:project-list", ("operations.Project",)),
    ("api:quote-list", ("operations.Quote",)),
    ("api:invoice-list", ("operations.Invoice",)),
    ("api:credit-note-list", ("operations.CreditNote",)),
    ("api:payment-list", ("operations.Payment",)),
    ("api:tax-category-list", ("operations.TaxCategory",)),
    ("api:income-category-list", ("operations.IncomeCategory",)),
    ("api:webhook-endpoint-list", ("webhooks.Endpoint",)),
    # The website's categories are those its settings show: a row of the settings'
    # link table, scoped through the settings' organisation.
    ("public_api:categories", ("operations.EquipmentCategory", SHOWN)),
    ("public_api:items", ("operations.EquipmentItem", "operations.EquipmentCategory", SHOWN)),
    # Notices: listed on the Integrations page and their own page, counted in the header.
    ("integrations:index", ("attention.Notice",)),
    ("attention:notices", ("attention.Notice",)),
]


def test_both_organisations_hold_a_marked_row_of_every_tenant_model(world: World) -> None:
    """A model with no builder in tests/tenant_rows.py (or walk.py) fails here by name."""
    missing = []
    for side in sides(world):
        for model in tenant_models():
            rows = list(model._default_manager.filter(organisation=side.organisation))
            if not rows:
                missing.append(f"{model._meta.label}: no row of {side.organisation.name}")
            elif not any(_carries(row, side.marker) for row in rows):
                missing.append(f"{model._meta.label}: no {side.marker} on {side.organisation}")
    assert not missing, "teach tests/tenant_rows.py:\n" + "\n".join(missing)


def _carries(row: Model, marker: str) -> bool:
    """The marker is in one of the row's fields, or in a row it points to (a booking
    shows its item's name, a preference its person's); the organisation itself, whose
    name carries the marker on every page, does not count."""
    for field in row._meta.concrete_fields:
        if field.name == "organisation":
            continue
        value = getattr(row, field.name)
        if marker in str(value):
            return True
        if field.is_relation and value is not None:
            target = value
            if any(marker in str(getattr(target, f.name)) for f in target._meta.concrete_fields):
                return True
    return False


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_no_organisation_sees_the_others_rows_on_any_page_api_or_export(world: World) -> None:
    found: list[str] = []
    for side in sides(world):
        found += leaks(world, side, walked_routes())
    assert not found, "\n".join(found)


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_the_walk_fails_when_any_list_view_loses_its_organisation_filter(
    world: World,
) -> None:
    routes = {route.name: route for route in ROUTES}
    missed = []
    for name, labels in LIST_VIEWS:
        with unscoped(*_models(*labels)):
            # A page that shows one row (a card's connection) leaks one way only: the
            # walk fails if either organisation sees the other's marker.
            if not any(
                leaks(world, side, [routes[name]], roles=("owner",)) for side in sides(world)
            ):
                missed.append(f"{name} with {', '.join(labels)} unscoped")
    assert not missed, "the walk saw no leak:\n" + "\n".join(missed)


def test_the_walk_fails_when_the_csv_export_loses_its_organisation_filter(
    world: World,
) -> None:
    """The reconciliation's CSV download is walked beside its page: seeded, it leaks."""
    route = next(route for route in ROUTES if route.name == "accounting:reconciliation")
    with unscoped(*_models("accounting.ExternalRef", "accounting.Review")):
        for side in sides(world):
            found = leaks(world, side, [route], roles=("bookkeeper",))
            assert any("format=csv" in line for line in found), side.marker


# The event catalog is the same for every organisation: no tenant rows to leak.
SHARED_LISTS = {"api:event-type-list"}


def test_every_api_list_has_a_seeded_defect() -> None:
    """A new API list fails here until LIST_VIEWS seeds its defect."""
    lists = {
        route.name
        for route in ROUTES
        if route.name and route.name.startswith("api:") and route.name.endswith("-list")
    }
    assert lists - SHARED_LISTS <= {name for name, _ in LIST_VIEWS}
