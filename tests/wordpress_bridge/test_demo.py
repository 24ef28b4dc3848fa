"""The demo organisation's website: its public categories shown in quantities, one
item hidden, the internal category left out, and no key."""

from __future__ import annotations

import os

from django.core.management import call_command

from apikeys.models import WebsiteKey
from operations.models import EquipmentCategory
from tenancy.models import Organisation
from wordpress_bridge.models import WebsiteSettings


def test_the_demo_website_shows_its_public_categories_with_one_item_hidden(db: None) -> None:
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    demo = Organisation.objects.get(name="Demo Rentals")
    site = WebsiteSettings.objects.get(organisation=demo)
    assert site.display_mode == WebsiteSettings.DisplayMode.QUANTITIES
    shown = set(site.shown_categories.values_list("name", flat=True))
    assert shown == {"Lighting", "Audio", "Video", "Staging"}
    internal = EquipmentCategory.objects.get(organisation=demo, visibility="internal")
    assert internal.name not in shown
    assert list(site.hidden_items.values_list("name", flat=True)) == [
        "Allen & Heath dLive S5000 console"
    ]
    assert not WebsiteKey.objects.filter(organisation=demo).exists()
    other = Organisation.objects.get(name="Other Rentals")
    assert not WebsiteSettings.objects.filter(organisation=other).exists()
