from __future__ import annotations

import pytest
from django.apps import apps
from django.http import Http404, HttpRequest
from django.test import RequestFactory
from django.utils import timezone

from operations.models import Customer
from tenancy.models import Organisation, TenantModel
from tenancy.scoping import scoped, scoped_get_or_404
from tests import factories
from tests.conftest import Tenants, client_for

TENANT_APPS = {"operations"}


@pytest.mark.parametrize(
    "model",
    [m for m in apps.get_models() if m._meta.app_label in TENANT_APPS],
    ids=lambda m: m.__name__,
)
def test_every_tenant_owned_model_carries_its_organisation(model: type) -> None:
    assert issubclass(model, TenantModel)
    field = model._meta.get_field("organisation")
    assert field.related_model is Organisation
    assert not field.null


def _request_in(organisation: Organisation) -> HttpRequest:
    request = RequestFactory().get("/")
    request.organisation = organisation  # type: ignore[attr-defined]
    return request


def test_scoped_queries_see_only_the_current_organisation(tenants: Tenants) -> None:
    mine = factories.make_customer(tenants.alpha, name="Mine")
    factories.make_customer(tenants.bravo, name="Theirs")
    assert list(scoped(_request_in(tenants.alpha), Customer)) == [mine]


def test_another_organisations_row_is_a_404(tenants: Tenants) -> None:
    theirs = factories.make_customer(tenants.bravo, name="Theirs")
    with pytest.raises(Http404):
        scoped_get_or_404(_request_in(tenants.alpha), Customer, pk=theirs.pk)


def test_scoping_without_an_organisation_refuses_rather_than_returning_everything(
    db: None,
) -> None:
    request = RequestFactory().get("/")
    with pytest.raises(LookupError):
        scoped(request, Customer)


def test_pages_use_the_organisations_time_zone(tenants: Tenants) -> None:
    tenants.alpha.timezone = "Australia/Sydney"
    tenants.alpha.save()
    body = client_for(tenants.owner).get("/settings/profile/").content.decode()
    assert "time zone, Australia/Sydney." in body
    assert timezone.get_current_timezone_name() == "UTC"  # restored after the request
