"""The API access page: keys and webhook endpoints, and the key pages behind it."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from apikeys import services
from apikeys.forms import KeyForm, LimitsForm
from apikeys.models import ApiKey, ApiKeyEvent
from apikeys.scopes import describe
from apikeys.webhook_endpoints import webhook_endpoints
from tenancy.access import require_capability
from tenancy.models import User
from tenancy.roles import Capability
from tenancy.scoping import current_organisation, scoped, scoped_get_or_404


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # behind require_capability: signed in


def _ip(request: HttpRequest) -> str | None:
    address: str | None = request.META.get("REMOTE_ADDR") or None
    return address


@require_GET
@require_capability(Capability.MANAGE_API_ACCESS)
def index(request: HttpRequest) -> HttpResponse:
    keys = scoped(request, ApiKey).select_related("created_by")
    rows = [(key, describe(key.scope_map)) for key in keys]
    endpoints = webhook_endpoints().listed(current_organisation(request).pk)
    activity = scoped(request, ApiKeyEvent).select_related("key", "actor")[:10]
    context = {
        "keys": rows,
        "endpoints": endpoints,
        "activity": activity,
        "limits": settings.API_RATE_LIMITS,
    }
    return render(request, "apikeys/index.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@require_capability(Capability.MANAGE_API_ACCESS)
def key_create(request: HttpRequest) -> HttpResponse:
    form = KeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = services.create_key(
            current_organisation(request),
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            scopes=form.scopes(),
            expires_at=form.cleaned_data["expires_at"],
            created_by=_user(request),
            ip=_ip(request),
        )
        # Rendered, not redirected: the key must never sit in a session or a message.
        context = {
            "key": created.key,
            "secret": created.secret,
            "scopes": describe(created.key.scope_map),
        }
        return render(request, "apikeys/key_created.html", context, status=201)
    status = 400 if form.errors else 200
    return render(request, "apikeys/key_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@require_capability(Capability.MANAGE_API_ACCESS)
def key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    key = scoped_get_or_404(request, ApiKey, pk=pk)
    if request.method == "POST":
        if services.revoke_key(key, actor=_user(request), ip=_ip(request)):
            messages.success(request, f"Key “{key.name}” ({key.masked}) is revoked.")
        else:
            messages.info(request, f"Key “{key.name}” was already revoked.")
        return redirect("apikeys:index")
    return render(request, "apikeys/key_revoke.html", {"key": key})


@require_http_methods(["GET", "POST"])
@require_capability(Capability.SET_API_RATE_LIMITS)
def key_limits(request: HttpRequest, pk: int) -> HttpResponse:
    key = scoped_get_or_404(request, ApiKey, pk=pk)
    initial = {"tier": key.tier, "minute_limit": key.minute_limit, "hour_limit": key.hour_limit}
    form = LimitsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_limits(key, actor=_user(request), **form.cleaned_data)
        except services.ApiKeyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Rate limits of “{key.name}” saved.")
            return redirect("apikeys:index")
    windows = services.windows_for(key)
    context = {"key": key, "form": form, "windows": windows, "limits": settings.API_RATE_LIMITS}
    return render(request, "apikeys/key_limits.html", context, status=400 if form.errors else 200)
