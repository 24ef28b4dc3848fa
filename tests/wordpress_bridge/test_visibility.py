"""What the website shows: public categories ticked, items hidden one by one. Internal
categories and other organisations' rows cannot be chosen, even by a forged POST, and
saving changes nothing else."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import Tenants, client_for
from tests.wordpress_bridge.helpers import INTERNAL, items_of, make_category
from wordpress_bridge.models import WebsiteSettings
from wordpress_bridge.site_settings import settings_for

CATEGORIES = reverse("wordpress_bridge:shown_categories")
SETTINGS = reverse("wordpress_bridge:settings")


def _items_url(pk: int) -> str:
    return reverse("wordpress_bridge:category_items", kwargs={"pk": pk})


def test_ticking_categories_shows_them_and_changes_nothing_else(tenants: Tenants) -> None:
    lighting = make_category(tenants.alpha, "Lighting")
    audio = make_category(tenants.alpha, "Audio")
    make_category(tenants.alpha, "Video")
    site = settings_for(tenants.alpha)
    site.display_mode = WebsiteSettings.DisplayMode.CALENDAR
    site.save()
    site.hidden_items.add(items_of(audio)[0])
    before = site.updated_at
    response = client_for(tenants.owner).post(
        CATEGORIES, {"categories": [lighting.pk, audio.pk]}, follow=True
    )
    body = response.content.decode()
    assert "The website now shows 2 categories: Audio, Lighting." in body
    site.refresh_from_db()
    assert set(site.shown_categories.all()) == {lighting, audio}
    assert site.display_mode == WebsiteSettings.DisplayMode.CALENDAR
    assert list(site.hidden_items.all()) == [items_of(audio)[0]]
    assert site.updated_at > before  # what the public API serves may be keyed on it


def test_unticking_every_category_says_the_website_shows_nothing(tenants: Tenants) -> None:
    lighting = make_category(tenants.alpha, "Lighting")
    settings_for(tenants.alpha).shown_categories.add(lighting)
    body = client_for(tenants.owner).post(CATEGORIES, {}, follow=True).content.decode()
    assert "The website now shows no equipment." in body
    assert not settings_for(tenants.alpha).shown_categories.exists()


def test_an_internal_category_is_listed_but_cannot_be_ticked(tenants: Tenants) -> None:
    workshop = make_category(tenants.alpha, "Workshop", visibility=INTERNAL)
    body = client_for(tenants.owner).get(SETTINGS).content.decode()
    assert f'value="{workshop.pk}" disabled' in body
    assert "Internal category: never shown on the website." in body
    assert _items_url(workshop.pk) not in body


def test_a_forged_post_of_an_internal_category_is_refused(tenants: Tenants) -> None:
    lighting = make_category(tenants.alpha, "Lighting")
    workshop = make_category(tenants.alpha, "Workshop", visibility=INTERNAL)
    response = client_for(tenants.owner).post(
        CATEGORIES, {"categories": [lighting.pk, workshop.pk]}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert f"Category {workshop.pk} can&#x27;t be shown on the website" in body
    assert f'value="{lighting.pk}" checked' in body  # what was ticked is kept
    assert not settings_for(tenants.alpha).shown_categories.exists()


def test_another_organisations_category_is_refused_and_never_listed(tenants: Tenants) -> None:
    theirs = make_category(tenants.bravo, "Bravo staging")
    client = client_for(tenants.owner)
    response = client.post(CATEGORIES, {"categories": [theirs.pk]})
    assert response.status_code == 400
    assert "Bravo staging" not in response.content.decode()
    assert not WebsiteSettings.objects.filter(shown_categories=theirs).exists()
    assert client.get(_items_url(theirs.pk)).status_code == 404
    assert client.post(_items_url(theirs.pk), {"hidden": []}).status_code == 404


def test_hiding_items_of_one_category_leaves_the_others_hidden_items(tenants: Tenants) -> None:
    lighting = make_category(tenants.alpha, "Lighting", items=3)
    audio = make_category(tenants.alpha, "Audio")
    site = settings_for(tenants.alpha)
    site.shown_categories.add(lighting)
    site.hidden_items.add(items_of(lighting)[0], items_of(audio)[1])
    chosen = items_of(lighting)[1:]
    response = client_for(tenants.manager).post(
        _items_url(lighting.pk), {"hidden": [item.pk for item in chosen]}, follow=True
    )
    assert "Lighting: 2 items hidden from the website (Lighting item 2, Lighting item 3)" in (
        response.content.decode()
    )
    assert set(site.hidden_items.all()) == {*chosen, items_of(audio)[1]}
    assert set(site.shown_categories.all()) == {lighting}


def test_the_items_page_shows_what_is_hidden_and_the_settings_page_counts_it(
    tenants: Tenants,
) -> None:
    lighting = make_category(tenants.alpha, "Lighting", items=3)
    site = settings_for(tenants.alpha)
    site.shown_categories.add(lighting)
    hidden = items_of(lighting)[2]
    site.hidden_items.add(hidden)
    client = client_for(tenants.owner)
    items_page = client.get(_items_url(lighting.pk)).content.decode()
    assert f'value="{hidden.pk}" checked> Hide Lighting item 3' in items_page
    assert items_page.count(" checked>") == 1
    assert "3 items, 1 hidden" in client.get(SETTINGS).content.decode()


def test_another_organisations_item_cannot_be_hidden_here(tenants: Tenants) -> None:
    lighting = make_category(tenants.alpha, "Lighting")
    theirs = items_of(make_category(tenants.bravo, "Bravo lighting"))[0]
    response = client_for(tenants.owner).post(_items_url(lighting.pk), {"hidden": [theirs.pk]})
    assert response.status_code == 400
    assert f"Item {theirs.pk} is not in this category." in response.content.decode()
    assert not WebsiteSettings.objects.filter(hidden_items=theirs).exists()


def test_an_item_of_another_category_cannot_be_hidden_through_this_one(
    tenants: Tenants,
) -> None:
    lighting = make_category(tenants.alpha, "Lighting")
    audio_item = items_of(make_category(tenants.alpha, "Audio"))[0]
    response = client_for(tenants.owner).post(_items_url(lighting.pk), {"hidden": [audio_item.pk]})
    assert response.status_code == 400


def test_an_internal_categorys_items_cannot_be_chosen_even_by_a_forged_post(
    tenants: Tenants,
) -> None:
    workshop = make_category(tenants.alpha, "Workshop", visibility=INTERNAL)
    client = client_for(tenants.owner)
    page = client.get(_items_url(workshop.pk)).content.decode()
    assert "An internal category: none of its items is ever shown" in page
    assert "Save hidden items" not in page
    response = client.post(_items_url(workshop.pk), {"hidden": [items_of(workshop)[0].pk]})
    assert response.status_code == 403
    assert not WebsiteSettings.objects.filter(hidden_items__category=workshop).exists()


def test_the_bookkeeper_sees_a_categorys_items_but_cannot_hide_them(tenants: Tenants) -> None:
    lighting = make_category(tenants.alpha, "Lighting")
    client = client_for(tenants.bookkeeper)
    page = client.get(_items_url(lighting.pk)).content.decode()
    assert "Lighting item 1" in page
    assert "Save hidden items" not in page
    response = client.post(_items_url(lighting.pk), {"hidden": [items_of(lighting)[0].pk]})
    assert response.status_code == 403
    assert not WebsiteSettings.objects.filter(hidden_items__category=lighting).exists()


def test_a_category_not_shown_says_its_items_do_not_appear(tenants: Tenants) -> None:
    lighting = make_category(tenants.alpha, "Lighting")
    page = client_for(tenants.owner).get(_items_url(lighting.pk)).content.decode()
    assert "The website does not show this category now" in page
