"""The four endpoints: what the website may show, in its display mode only, nothing else."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import Tenants
from tests.public_api import BASE, Website, make_website


@pytest.fixture
def site(tenants: Tenants) -> Website:
    site = make_website(tenants.alpha)
    lighting = site.category("Lighting")
    sound = site.category("Sound")
    site.category("Staging (not shown)", shown=False)
    workshop = site.category("Workshop", internal=True)
    site.item(lighting, "Par can", owned=10, description="RGBW LED")
    site.item(lighting, "Fresnel", owned=4)
    hidden = site.item(lighting, "Prototype fixture", owned=2)
    site.settings.hidden_items.add(hidden)
    site.item(sound, "Mixer", owned=1)
    site.item(workshop, "Soldering station", owned=3)
    return site


def _ids(site: Website, model: str, name: str) -> int:
    from operations.models import EquipmentCategory, EquipmentItem

    found = EquipmentCategory if model == "category" else EquipmentItem
    return int(found.objects.get(organisation=site.organisation, name=name).pk)


def test_site_says_who_the_organisation_is_and_how_it_shows_availability(site: Website) -> None:
    response = site.client().get(BASE + "site")
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "organisation": "Alpha Hire",
        "display_mode": "quantities",
        "time_zone": "Europe/London",
        "today": site.today.isoformat(),
    }


def test_site_marks_the_card_tested(site: Website) -> None:
    site.client().get(BASE + "site")
    site.settings.refresh_from_db()
    assert site.settings.tested_at is not None


def test_categories_are_the_shown_public_ones_with_their_visible_items(site: Website) -> None:
    data = site.client().get(BASE + "categories").json()["data"]
    assert [(c["name"], c["item_count"]) for c in data] == [("Lighting", 2), ("Sound", 1)]


def test_items_are_the_visible_ones_of_every_shown_category(site: Website) -> None:
    data = site.client().get(BASE + "items").json()["data"]
    assert [i["name"] for i in data] == ["Fresnel", "Par can", "Mixer"]
    par = data[1]
    assert par["description"] == "RGBW LED"
    assert par["category"] == {"id": _ids(site, "category", "Lighting"), "name": "Lighting"}


def test_items_of_one_category(site: Website) -> None:
    sound = _ids(site, "category", "Sound")
    data = site.client().get(f"{BASE}items?category={sound}").json()["data"]
    assert [i["name"] for i in data] == ["Mixer"]


@pytest.mark.parametrize("name", ["Staging (not shown)", "Workshop"])
def test_a_hidden_or_internal_category_is_a_404_like_a_missing_one(
    site: Website, name: str
) -> None:
    client = site.client()
    hidden = client.get(f"{BASE}items?category={_ids(site, 'category', name)}")
    missing = client.get(f"{BASE}items?category=987654321")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert client.get(f"{BASE}availability?category={_ids(site, 'category', name)}").json() == (
        client.get(f"{BASE}availability?category=987654321").json()
    )


@pytest.mark.parametrize("name", ["Prototype fixture", "Soldering station"])
def test_a_hidden_item_or_one_of_an_internal_category_is_a_404(site: Website, name: str) -> None:
    client = site.client()
    hidden = client.get(f"{BASE}availability?item={_ids(site, 'item', name)}")
    missing = client.get(f"{BASE}availability?item=987654321")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_one_organisations_key_never_reads_anothers_records(
    site: Website, tenants: Tenants
) -> None:
    bravo = make_website(tenants.bravo)
    theirs = bravo.category("Bravo lighting")
    their_item = bravo.item(theirs, "Bravo moving head")
    client = site.client()
    assert client.get(f"{BASE}items?category={theirs.pk}").status_code == 404
    assert client.get(f"{BASE}availability?category={theirs.pk}").status_code == 404
    assert client.get(f"{BASE}availability?item={their_item.pk}").status_code == 404
    everything = b"".join(
        client.get(BASE + path).content for path in ("site", "categories", "items", "availability")
    )
    assert b"Bravo" not in everything
    assert [c["name"] for c in bravo.client().get(BASE + "categories").json()["data"]] == [
        "Bravo lighting"
    ]


def test_availability_in_quantities_mode(site: Website) -> None:
    par = _ids(site, "item", "Par can")
    from operations.models import EquipmentItem

    site.book(EquipmentItem.objects.get(pk=par), site.day(2), site.day(3), quantity=6)
    body = (
        site.client()
        .get(f"{BASE}availability?item={par}&from={site.day(1)}&to={site.day(2)}")
        .json()
    )
    assert body == {
        "display_mode": "quantities",
        "from": site.day(1).isoformat(),
        "to": site.day(2).isoformat(),
        "items": [
            {
                "id": par,
                "name": "Par can",
                "category": {"id": _ids(site, "category", "Lighting"), "name": "Lighting"},
                "available": 4,
                "owned": 10,
            }
        ],
    }


def test_availability_defaults_to_today_and_every_visible_item(site: Website) -> None:
    body = site.client().get(BASE + "availability").json()
    assert body["from"] == body["to"] == site.today.isoformat()
    assert [i["name"] for i in body["items"]] == ["Fresnel", "Par can", "Mixer"]


# Every field a quantity could hide in: the mode fields of other modes, and numbers.
QUANTITY_FIELDS = re.compile(rb'"(available|owned|quantity|stock|free|booked|count)":')


def _raw_answers(site: Website) -> list[bytes]:
    client = site.client()
    lighting = _ids(site, "category", "Lighting")
    par = _ids(site, "item", "Par can")
    paths = [
        "site",
        "items",
        f"items?category={lighting}",
        "availability",
        f"availability?from={site.day(0)}&to={site.day(30)}",
        f"availability?category={lighting}&to={site.day(5)}",
        f"availability?item={par}&to={site.day(5)}",
    ]
    answers = [client.get(BASE + path) for path in paths]
    assert all(a.status_code == 200 for a in answers)
    return [a.content for a in answers]


def _no_numbers_but_ids_and_dates(raw: bytes) -> None:
    """Strip ids and ISO dates: no digit may be left anywhere."""
    stripped = re.sub(rb'"id":[0-9]+', b"", raw)
    stripped = re.sub(rb'"[0-9]{4}-[0-9]{2}-[0-9]{2}"', b"", stripped)
    assert not re.search(rb"[0-9]", stripped), stripped


@pytest.mark.parametrize("mode", ["labels", "calendar"])
def test_labels_and_calendar_modes_carry_no_quantity_anywhere(site: Website, mode: str) -> None:
    from operations.models import EquipmentItem

    par = EquipmentItem.objects.get(organisation=site.organisation, name="Par can")
    site.book(par, site.day(1), site.day(2), quantity=9)
    site.mode(mode)
    for raw in _raw_answers(site):
        assert not QUANTITY_FIELDS.search(raw), raw
        _no_numbers_but_ids_and_dates(raw)
    availability = site.client().get(f"{BASE}availability?item={par.pk}&to={site.day(2)}").json()
    entry = availability["items"][0]
    if mode == "labels":
        assert set(entry) == {"id", "name", "category", "in_stock", "label"}
        assert (entry["in_stock"], entry["label"]) == (True, "In stock")
    else:
        assert set(entry) == {"id", "name", "category", "days"}
        assert [d["state"] for d in entry["days"]] == ["available", "limited", "limited"]


def test_categories_carry_their_item_count_only(site: Website) -> None:
    site.mode("labels")
    raw = site.client().get(BASE + "categories").content
    assert not QUANTITY_FIELDS.search(raw)


def test_quantities_mode_carries_no_other_modes_fields(site: Website) -> None:
    items = site.client().get(f"{BASE}availability?to={site.day(3)}").json()["items"]
    assert {frozenset(i) for i in items} == {
        frozenset({"id", "name", "category", "available", "owned"})
    }


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("from=2000-01-01", "in the past"),
        ("from=TODAY+5&to=TODAY+2", "before from"),
        ("from=TODAY&to=TODAY+366", "at most 366"),
        ("from=2026-13-45", "YYYY-MM-DD"),
        ("from=20261210", "YYYY-MM-DD"),
        ("to=%C2%B2", "YYYY-MM-DD"),
        ("from=9999-12-31&to=10000-01-01", "YYYY-MM-DD"),
    ],
)
def test_a_bad_range_is_a_400_invalid_range_that_says_what_to_do(
    site: Website, query: str, says: str
) -> None:
    for offset in (366, 5, 2):
        query = query.replace(f"TODAY+{offset}", site.day(offset).isoformat())
    query = query.replace("TODAY", site.today.isoformat())
    response = site.client().get(f"{BASE}availability?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["code"] == "invalid_range"
    assert body["type"].endswith("invalid-range")
    assert says in body["detail"]


def test_a_full_year_is_accepted(site: Website) -> None:
    response = site.client().get(f"{BASE}availability?from={site.today}&to={site.day(365)}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "item=" + "9" * 30,
        "item=-1",
        "item=0",
        "item=%C2%B2",
        "item=1%00",
        "item=%ED%A0%80",
        "category=" + "9" * 5000,
        "category=1&category=2",
        "item=1&category=1",
        "from=2030-01-01&from=2030-01-02",
        "category=%F0%9F%8E%AA",
    ],
)
def test_hostile_parameters_are_a_400_never_a_500(site: Website, query: str) -> None:
    response = site.client().get(f"{BASE}availability?{query}")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"


def test_the_largest_id_is_simply_not_found(site: Website) -> None:
    response = site.client().get(f"{BASE}availability?item={2**63 - 1}")
    assert response.status_code == 404


def test_etag_and_if_none_match_give_a_304_without_a_body(site: Website) -> None:
    client = site.client()
    first = client.get(BASE + "items")
    etag = first["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    again = client.get(BASE + "items", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert client.get(BASE + "items", HTTP_IF_NONE_MATCH='"other"').status_code == 200
    assert client.get(BASE + "items", HTTP_IF_NONE_MATCH=f'"x", W/{etag}').status_code == 304


def test_the_public_schema_documents_the_four_endpoints_and_the_website_key(
    db: None,
) -> None:
    from rest_framework.test import APIClient

    schema = APIClient().get(BASE + "schema/").json()
    assert set(schema["paths"]) == {
        "/api/public/v1/site",
        "/api/public/v1/categories",
        "/api/public/v1/items",
        "/api/public/v1/availability",
    }
    scheme = schema["components"]["securitySchemes"]["WebsiteKey"]
    assert scheme["bearerFormat"].startswith("pbpk_")
    availability = schema["paths"]["/api/public/v1/availability"]["get"]
    assert {p["name"] for p in availability["parameters"]} >= {"from", "to", "item", "category"}
    assert {"400", "401", "403", "404", "429"} <= set(availability["responses"])
    assert availability["security"] == [{"WebsiteKey": []}]
    rest = APIClient().get("/api/v1/schema/").json()
    assert not [path for path in rest["paths"] if path.startswith("/api/public/")]


def test_head_answers_like_get_without_a_body(site: Website) -> None:
    client = site.client()
    got = client.get(BASE + "categories")
    head = client.head(BASE + "categories")
    assert head.status_code == 200
    assert head["ETag"] == got["ETag"]
    assert head.content == b""
