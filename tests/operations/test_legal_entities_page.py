"""The legal entities settings page: list, add and rename, for those who may edit
integration settings, within their own organisation only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from operations.models import LegalEntity
from tenancy.roles import Role
from tests.conftest import Tenants, client_for

LIST = reverse("operations:legal_entity_list")


def rename_url(entity: LegalEntity) -> str:
    return reverse("operations:legal_entity_rename", kwargs={"pk": entity.pk})


def test_the_page_lists_only_the_organisations_own_entities(tenants: Tenants) -> None:
    LegalEntity.objects.create(
        organisation=tenants.alpha, name="Alpha Hire Inc", base_currency="USD"
    )
    LegalEntity.objects.create(organisation=tenants.bravo, name="Bravo Hire GmbH")

    body = client_for(tenants.owner).get(LIST).content.decode()

    assert "Alpha Hire Inc" in body and "USD" in body
    assert "Bravo Hire GmbH" not in body


def test_an_entity_is_added_with_its_currency_in_capitals(tenants: Tenants) -> None:
    response = client_for(tenants.owner).post(LIST, {"name": " Alpha US ", "base_currency": "usd"})

    assert response.status_code == 302 and response["Location"] == LIST
    entity = LegalEntity.objects.get(organisation=tenants.alpha)
    assert (entity.name, entity.base_currency) == ("Alpha US", "USD")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "base_currency": "GBP"}, "This field is required."),
        ({"name": "Alpha UK", "base_currency": "POUNDS"}, "Ensure this value has at most 3"),
        ({"name": "Alpha UK", "base_currency": "G1P"}, "Enter a three-letter currency code"),
        ({"name": "alpha uk", "base_currency": "GBP"}, "already has an entity called alpha uk"),
    ],
)
def test_bad_input_is_refused_beside_the_field(
    tenants: Tenants, data: dict[str, str], message: str
) -> None:
    LegalEntity.objects.create(organisation=tenants.alpha, name="Alpha UK")

    response = client_for(tenants.owner).post(LIST, data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert LegalEntity.objects.filter(organisation=tenants.alpha).count() == 1


def test_the_same_name_may_be_used_by_another_organisation(tenants: Tenants) -> None:
    LegalEntity.objects.create(organisation=tenants.bravo, name="Hire Co")

    response = client_for(tenants.owner).post(LIST, {"name": "Hire Co", "base_currency": "GBP"})

    assert response.status_code == 302
    assert LegalEntity.objects.filter(name="Hire Co").count() == 2


def test_an_entity_is_renamed_and_keeps_its_currency(tenants: Tenants) -> None:
    entity = LegalEntity.objects.create(
        organisation=tenants.alpha, name="Alpha US", base_currency="USD"
    )
    client = client_for(tenants.by_role[Role.INTEGRATION_MANAGER])

    assert client.get(rename_url(entity)).status_code == 200
    response = client.post(rename_url(entity), {"name": "Alpha Hire Inc", "base_currency": "EUR"})

    assert response.status_code == 302
    entity.refresh_from_db()
    assert (entity.name, entity.base_currency) == ("Alpha Hire Inc", "USD")


def test_renaming_to_another_entitys_name_is_refused(tenants: Tenants) -> None:
    LegalEntity.objects.create(organisation=tenants.alpha, name="Alpha UK")
    entity = LegalEntity.objects.create(organisation=tenants.alpha, name="Alpha US")

    response = client_for(tenants.owner).post(rename_url(entity), {"name": "ALPHA UK"})

    assert response.status_code == 400
    assert "already has an entity called ALPHA UK" in response.content.decode()
    entity.refresh_from_db()
    assert entity.name == "Alpha US"


def test_renaming_keeping_its_own_name_in_other_letters_is_allowed(tenants: Tenants) -> None:
    entity = LegalEntity.objects.create(organisation=tenants.alpha, name="Alpha us")

    response = client_for(tenants.owner).post(rename_url(entity), {"name": "Alpha US"})

    assert response.status_code == 302
    entity.refresh_from_db()
    assert entity.name == "Alpha US"


def test_another_organisations_entity_cannot_be_opened_or_renamed(tenants: Tenants) -> None:
    theirs = LegalEntity.objects.create(organisation=tenants.bravo, name="Bravo Hire GmbH")
    client = client_for(tenants.owner)

    assert client.get(rename_url(theirs)).status_code == 404
    assert client.post(rename_url(theirs), {"name": "Taken over"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Bravo Hire GmbH"


@pytest.mark.parametrize("role", [Role.BOOKKEEPER, Role.CREW])
def test_roles_without_the_capability_can_neither_see_nor_change_entities(
    tenants: Tenants, role: str
) -> None:
    entity = LegalEntity.objects.create(organisation=tenants.alpha, name="Alpha US")
    client = client_for(tenants.by_role[role])

    assert client.get(LIST).status_code == 403
    assert client.post(LIST, {"name": "Sneaky Ltd", "base_currency": "GBP"}).status_code == 403
    assert client.post(rename_url(entity), {"name": "Sneaky Ltd"}).status_code == 403
    assert list(LegalEntity.objects.values_list("name", flat=True)) == ["Alpha US"]


def test_the_integrations_page_links_to_entities_for_those_who_may_edit(tenants: Tenants) -> None:
    index = reverse("integrations:index")
    owner_page = client_for(tenants.owner).get(index).content.decode()
    books_page = client_for(tenants.bookkeeper).get(index).content.decode()

    assert LIST in owner_page
    assert LIST not in books_page
