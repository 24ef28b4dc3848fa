"""The demo organisation's website: its public categories shown with exact quantities,
one item kept off the website, and no key (the owner generates it in the demo)."""

from __future__ import annotations

from operations.models import EquipmentCategory, EquipmentItem
from tenancy.models import Organisation
from wordpress_bridge.models import WebsiteSettings
from wordpress_bridge.site_settings import settings_for, touch

# Only one unit, kept for the business's own shows: not offered on the website.
DEMO_HIDDEN_ITEMS = ("Allen & Heath dLive S5000 console",)


def seed_demo_website(organisation: Organisation) -> None:
    site = settings_for(organisation)
    site.display_mode = WebsiteSettings.DisplayMode.QUANTITIES
    site.save()
    public = EquipmentCategory.objects.for_organisation(organisation).filter(
        visibility=EquipmentCategory.Visibility.PUBLIC
    )
    site.shown_categories.set(public)
    hidden = EquipmentItem.objects.for_organisation(organisation).filter(name__in=DEMO_HIDDEN_ITEMS)
    site.hidden_items.set(hidden)
    touch(site)
