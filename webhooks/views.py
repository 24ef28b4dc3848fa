"""Webhook endpoint pages: add, edit, rotate the secret, delete, send a test event."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from tenancy.access import require_capability
from tenancy.models import User
from tenancy.roles import Capability
from tenancy.scoping import current_organisation, scoped_get_or_404
from webhooks import services
from webhooks.forms import EndpointEditForm, EndpointForm, RotateForm
from webhooks.models import Endpoint

INDEX = "apikeys:index"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _secret_page(request: HttpRequest, created: services.NewSecret, rotated: bool) -> HttpResponse:
    # Rendered, not redirected: the secret must never sit in a session or a message.
    context = {"endpoint": created.endpoint, "secret": created.secret, "rotated": rotated}
    return render(request, "webhooks/secret_shown.html", context, status=201)


@never_cache
@require_http_methods(["GET", "POST"])
@require_capability(Capability.MANAGE_API_ACCESS)
def endpoint_create(request: HttpRequest) -> HttpResponse:
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = services.create_endpoint(
            current_organisation(request), created_by=_user(request), **form.cleaned_data
        )
        return _secret_page(request, created, rotated=False)
    status = 400 if form.errors else 200
    return render(request, "webhooks/endpoint_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@require_capability(Capability.MANAGE_API_ACCESS)
def endpoint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = scoped_get_or_404(request, Endpoint, pk=pk)
    initial = {
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": endpoint.event_types,
        "enabled": endpoint.enabled,
    }
    form = EndpointEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_endpoint(endpoint, **form.cleaned_data)
        messages.success(request, f"Endpoint {endpoint.url} saved.")
        return redirect(INDEX)
    context = {"form": form, "endpoint": endpoint}
    return render(
        request, "webhooks/endpoint_form.html", context, status=400 if form.errors else 200
    )


@never_cache
@require_http_methods(["GET", "POST"])
@require_capability(Capability.MANAGE_API_ACCESS)
def endpoint_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = scoped_get_or_404(request, Endpoint, pk=pk)
    form = RotateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        overlap = timedelta(hours=form.cleaned_data["overlap_hours"])
        return _secret_page(request, services.rotate_secret(endpoint, overlap), rotated=True)
    context = {"form": form, "endpoint": endpoint}
    return render(
        request, "webhooks/endpoint_rotate.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@require_capability(Capability.MANAGE_API_ACCESS)
def endpoint_delete(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = scoped_get_or_404(request, Endpoint, pk=pk)
    if request.method == "POST":
        endpoint.delete()
        messages.success(request, f"Endpoint {endpoint.url} deleted, with its delivery log.")
        return redirect(INDEX)
    return render(request, "webhooks/endpoint_delete.html", {"endpoint": endpoint})


@require_POST
@require_capability(Capability.MANAGE_API_ACCESS)
def endpoint_test(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    endpoint = scoped_get_or_404(request, Endpoint, pk=pk)
    try:
        event = services.send_test_event(endpoint, _user(request))
    except services.WebhookError as error:
        messages.error(request, error.message)
        return redirect(INDEX)
    messages.success(request, f"Test event {event.event_id} queued for {endpoint.url}.")
    return redirect(f"{reverse('apikeys:webhooks:deliveries')}?endpoint={endpoint.pk}")
