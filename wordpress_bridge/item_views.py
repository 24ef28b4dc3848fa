"""A category's items on the website: each can be hidden on its own. One page per
category, so a catalogue of thousands of items never makes one endless form."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from operations.models import EquipmentCategory, EquipmentItem
from tenancy.access import has_capability, require_capability
from tenancy.models import Organisation
from tenancy.roles import Capability
from tenancy.scoping import current_organisation, scoped_get_or_404
from wordpress_bridge.forms import HiddenItemsForm
from wordpress_bridge.page import hidden_item_ids, is_row_id, shown_category_ids
from wordpress_bridge.site_settings import settings_for, touch


def _hidden_here(organisation: Organisation, category: EquipmentCategory) -> set[int]:
    rows = EquipmentItem.objects.filter(
        organisation=organisation, category=category, pk__in=hidden_item_ids(organisation)
    )
    return set(rows.values_list("pk", flat=True))


def _save(
    organisation: Organisation, category: EquipmentCategory, hidden: Sequence[EquipmentItem]
) -> None:
    site = settings_for(organisation)
    site.hidden_items.remove(*site.hidden_items.filter(category=category))
    site.hidden_items.add(*hidden)
    touch(site)


def _saved_message(category: EquipmentCategory, hidden: Sequence[EquipmentItem]) -> str:
    if not hidden:
        return f"Every item of {category.name} is shown on the website when the category is."
    names = ", ".join(item.name for item in hidden)
    count = f"{len(hidden)} item{'' if len(hidden) == 1 else 's'}"
    return f"{category.name}: {count} hidden from the website ({names}). The rest are shown."


@require_http_methods(["GET", "POST"])
@require_capability(Capability.VIEW_INTEGRATION_SETTINGS)
def category_items(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = current_organisation(request)
    category = scoped_get_or_404(request, EquipmentCategory, pk=pk)
    internal = category.visibility == EquipmentCategory.Visibility.INTERNAL
    can_edit = has_capability(request, Capability.EDIT_INTEGRATION_SETTINGS) and not internal
    form = HiddenItemsForm(request.POST or None, category=category)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(
                "Internal categories never show on the website."
                if internal
                else "Only owners and integration managers change what the website shows."
            )
        if form.is_valid():
            hidden = list(form.cleaned_data["hidden"])
            _save(organisation, category, hidden)
            messages.success(request, _saved_message(category, hidden))
            return redirect(f"{reverse('wordpress_bridge:settings')}#visibility")
    submitted = request.POST.getlist("hidden") if form.is_bound else None
    hidden_ids = (
        {int(v) for v in submitted[:5000] if is_row_id(v)}
        if submitted is not None
        else _hidden_here(organisation, category)
    )
    context = {
        "category": category,
        "internal": internal,
        "can_edit": can_edit,
        "shown": category.pk in shown_category_ids(organisation),
        "items": list(EquipmentItem.objects.filter(organisation=organisation, category=category)),
        "hidden_ids": hidden_ids,
        "form": form,
    }
    status = 400 if form.errors else 200
    return render(request, "wordpress_bridge/category_items.html", context, status=status)
