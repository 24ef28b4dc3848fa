"""What the settings page shows: the key, the allowed domains, the categories with their
item counts, the display mode and the install steps. A fixed number of queries, however
many categories and items the organisation has."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.db.models import Count, Q, Subquery
from django.http import QueryDict

from apikeys.models import WebsiteKey
from apikeys.website_keys import active_key
from integrations.cards import clock
from operations.models import EquipmentCategory
from tenancy.models import Organisation
from wordpress_bridge.card import standing
from wordpress_bridge.forms import AllowedOriginForm, DisplayModeForm, ShownCategoriesForm
from wordpress_bridge.models import AllowedOrigin, WebsiteSettings
from wordpress_bridge.site_settings import settings_to_read

SHORTCODE = "[patchbay_availability]"

MODE_EXAMPLES = {
    WebsiteSettings.DisplayMode.QUANTITIES: "Visitors see how many are free: "
    "“ETC Source Four 750W — 4 of 10 available”.",
    WebsiteSettings.DisplayMode.LABELS: "Visitors see only “In stock” or “Out of stock”: "
    "no numbers at all leave Patchbay.",
    WebsiteSettings.DisplayMode.CALENDAR: "Visitors see a month of days per item, each "
    "available, limited or unavailable; no numbers.",
}


@dataclass(frozen=True)
class CategoryRow:
    pk: int
    name: str
    internal: bool
    checked: bool
    item_count: int
    hidden_count: int


def hidden_item_ids(organisation: Organisation) -> Any:
    """The organisation's hidden items' ids, as a subquery."""
    through = WebsiteSettings.hidden_items.through
    return through.objects.filter(websitesettings__organisation=organisation).values(
        "equipmentitem_id"
    )


def shown_category_ids(organisation: Organisation) -> set[int]:
    through = WebsiteSettings.shown_categories.through
    rows = through.objects.filter(websitesettings__organisation=organisation)
    return set(rows.values_list("equipmentcategory_id", flat=True))


def category_rows(organisation: Organisation, checked: Iterable[int] | None) -> list[CategoryRow]:
    """Every category, internal ones too (listed, never selectable); ``checked`` is what
    was submitted, None to show what is saved."""
    ticked = shown_category_ids(organisation) if checked is None else set(checked)
    counted = (
        EquipmentCategory.objects.for_organisation(organisation)
        .annotate(
            item_count=Count("items"),
            hidden_count=Count(
                "items", filter=Q(items__in=Subquery(hidden_item_ids(organisation)))
            ),
        )
        .values_list("pk", "name", "visibility", "item_count", "hidden_count")
    )
    internal = EquipmentCategory.Visibility.INTERNAL
    return [
        CategoryRow(pk, name, visibility == internal, pk in ticked, items, hidden)
        for pk, name, visibility, items, hidden in counted
    ]


def is_row_id(value: object) -> bool:
    """A submitted id that int() reads and PostgreSQL's bigint holds ("²" is a digit
    to str.isdigit(), not to int())."""
    text = str(value)
    return text.isascii() and text.isdigit() and len(text) < 19


def _submitted(form: ShownCategoriesForm | None) -> list[int] | None:
    if form is None or not form.is_bound:
        return None
    values = cast(QueryDict, form.data).getlist("categories")[:1000]
    return [int(v) for v in values if is_row_id(v)]


def _chosen_mode(form: DisplayModeForm | None) -> str:
    return str(form.data.get("display_mode", ""))[:20] if form is not None else ""


def key_use(key: WebsiteKey) -> str:
    if key.last_used_at is None:
        return "Not used yet"
    where = f"from {key.last_used_origin}" if key.last_used_origin else "from a server"
    return f"{clock(key.last_used_at)}, {where}"


def settings_context(
    organisation: Organisation,
    *,
    can_edit: bool,
    origin_form: AllowedOriginForm | None = None,
    categories_form: ShownCategoriesForm | None = None,
    mode_form: DisplayModeForm | None = None,
) -> dict[str, Any]:
    site = settings_to_read(organisation)
    key = active_key(organisation)
    return {
        "can_edit": can_edit,
        "standing": standing(key, site),
        "key": key,
        "key_use": key_use(key) if key is not None else "",
        "origins": list(AllowedOrigin.objects.for_organisation(organisation)),
        "origin_form": origin_form or AllowedOriginForm(organisation=organisation),
        "categories": category_rows(organisation, _submitted(categories_form)),
        "categories_form": categories_form,
        "mode_form": mode_form,
        "modes": [
            (value, label, MODE_EXAMPLES[WebsiteSettings.DisplayMode(value)])
            for value, label in WebsiteSettings.DisplayMode.choices
        ],
        "display_mode": _chosen_mode(mode_form) or site.display_mode,
        "public_base_url": settings.PUBLIC_BASE_URL,
        "shortcode": SHORTCODE,
    }
