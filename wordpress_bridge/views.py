"""The WordPress settings page and its actions. Owners and integration managers change
the settings; bookkeepers see them read-only; crew are refused (by capability)."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apikeys import website_keys
from tenancy.access import has_capability, require_capability
from tenancy.models import User
from tenancy.roles import Capability
from tenancy.scoping import current_organisation, scoped_get_or_404
from wordpress_bridge import plugin_zip
from wordpress_bridge.forms import AllowedOriginForm, DisplayModeForm, ShownCategoriesForm
from wordpress_bridge.models import AllowedOrigin
from wordpress_bridge.page import settings_context
from wordpress_bridge.site_settings import settings_for, touch

VIEW = Capability.VIEW_INTEGRATION_SETTINGS
EDIT = Capability.EDIT_INTEGRATION_SETTINGS
PAGE = "wordpress_bridge/settings.html"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _settings_url(section: str) -> str:
    return f"{reverse('wordpress_bridge:settings')}#{section}"


def _page(
    request: HttpRequest,
    status: int = 200,
    *,
    origin_form: AllowedOriginForm | None = None,
    categories_form: ShownCategoriesForm | None = None,
    mode_form: DisplayModeForm | None = None,
) -> HttpResponse:
    context = settings_context(
        current_organisation(request),
        can_edit=has_capability(request, EDIT),
        origin_form=origin_form,
        categories_form=categories_form,
        mode_form=mode_form,
    )
    return render(request, PAGE, context, status=status)


@require_GET
@require_capability(VIEW)
def settings_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@never_cache
@require_http_methods(["GET", "POST"])
@require_capability(EDIT)
def website_key(request: HttpRequest) -> HttpResponse:
    """GET: what regenerating does, and its button. POST: a new key, shown this once."""
    organisation = current_organisation(request)
    current = website_keys.active_key(organisation)
    if request.method == "GET":
        return render(request, "wordpress_bridge/key_confirm.html", {"key": current})
    key, plaintext = website_keys.issue(organisation, actor=_user(request))
    replaced = f" Key {current.masked} stopped working just now." if current else ""
    messages.success(
        request,
        f"Website key {key.masked} generated.{replaced} Copy it now and paste it in WordPress "
        "> Settings > Patchbay.",
    )
    context = {"key": key, "plaintext": plaintext, "replaced": current}
    return render(request, "wordpress_bridge/key_shown.html", context, status=201)


@require_POST
@require_capability(EDIT)
def add_origin(request: HttpRequest) -> HttpResponse:
    organisation = current_organisation(request)
    form = AllowedOriginForm(request.POST, organisation=organisation)
    if not form.is_valid():
        return _page(request, status=400, origin_form=form)
    origin = AllowedOrigin.objects.create(
        organisation=organisation, origin=form.cleaned_data["origin"]
    )
    messages.success(
        request,
        f"{origin.origin} added to the allowed domains: pages on it may call the public API "
        "from visitors' browsers. The plugin's own (server-side) calls need no entry.",
    )
    return redirect(_settings_url("domains"))


@require_http_methods(["GET", "POST"])
@require_capability(EDIT)
def remove_origin(request: HttpRequest, pk: int) -> HttpResponse:
    origin = scoped_get_or_404(request, AllowedOrigin, pk=pk)
    if request.method == "GET":
        return render(request, "wordpress_bridge/origin_remove.html", {"origin": origin})
    origin.delete()
    messages.success(
        request,
        f"{origin.origin} removed from the allowed domains: browser calls from its pages are "
        "refused from now on. Add it again if that was a mistake.",
    )
    return redirect(_settings_url("domains"))


@require_POST
@require_capability(EDIT)
def shown_categories(request: HttpRequest) -> HttpResponse:
    organisation = current_organisation(request)
    form = ShownCategoriesForm(request.POST, organisation=organisation)
    if not form.is_valid():
        return _page(request, status=400, categories_form=form)
    chosen = list(form.cleaned_data["categories"])
    site = settings_for(organisation)
    site.shown_categories.set(chosen)
    touch(site)
    if chosen:
        names = ", ".join(category.name for category in chosen)
        text = (
            f"The website now shows {len(chosen)} "
            f"{'category' if len(chosen) == 1 else 'categories'}: {names}. Open a category to "
            "hide single items."
        )
    else:
        text = "The website now shows no equipment. Tick a category to show it again."
    messages.success(request, text)
    return redirect(_settings_url("visibility"))


@require_POST
@require_capability(EDIT)
def display_mode(request: HttpRequest) -> HttpResponse:
    form = DisplayModeForm(request.POST)
    if not form.is_valid():
        return _page(request, status=400, mode_form=form)
    site = settings_for(current_organisation(request))
    site.display_mode = form.cleaned_data["display_mode"]
    site.save(update_fields=["display_mode", "updated_at"])
    messages.success(
        request,
        f"The website now shows availability as “{site.get_display_mode_display()}”. Its "
        "pages change once the plugin's short cache runs out (a few minutes at most).",
    )
    return redirect(_settings_url("mode"))


@require_GET
@require_capability(VIEW)
def download_plugin(request: HttpRequest) -> HttpResponseBase:
    """The plugin's zip, built from the repository's folder: what WordPress installs is
    always this build's plugin."""
    response = HttpResponse(plugin_zip.build_plugin_zip(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{plugin_zip.zip_filename()}"'
    return response
