"""Connect, callback, choose an organisation, details and disconnect: one set per
OAuth integration, routed by integrations.urls from the registry."""

from __future__ import annotations

from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from integrations import flow
from integrations.models import Connection, OAuthState
from integrations.registry import Integration
from tenancy.access import require_capability
from tenancy.models import Organisation, User
from tenancy.roles import Capability
from tenancy.scoping import current_organisation, scoped_get_or_404

CHOICE_SESSION_KEY = "integrations-pending-choice-{slug}"


def _who(request: HttpRequest) -> tuple[User, Organisation]:
    return cast(User, request.user), current_organisation(request)


def _connected(
    request: HttpRequest, connection: Connection, integration: Integration
) -> HttpResponse:
    messages.success(request, f"{integration.name} is connected to {connection.remote_name}.")
    query = urlencode({integration.slug: "connected", "org": connection.remote_name})
    return redirect(f"{reverse('integrations:index')}?{query}")


def _failed(request: HttpRequest, error: flow.FlowError) -> HttpResponse:
    messages.error(request, error.message)
    return redirect("integrations:index")


@require_POST
@require_capability(Capability.MANAGE_CONNECTIONS)
def connect(request: HttpRequest, integration: Integration) -> HttpResponseBase:
    user, organisation = _who(request)
    try:
        entity = request.POST.get("legal_entity")
        return redirect(flow.begin(request, integration, user, organisation, entity))
    except flow.FlowError as error:
        return _failed(request, error)


@require_GET
@require_capability(Capability.MANAGE_CONNECTIONS)
def callback(request: HttpRequest, integration: Integration) -> HttpResponseBase:
    user, organisation = _who(request)
    try:
        outcome = flow.complete(request, integration, request.GET.dict(), user, organisation)
    except flow.FlowError as error:
        return _failed(request, error)
    if outcome.pending is not None:
        request.session[CHOICE_SESSION_KEY.format(slug=integration.slug)] = outcome.pending.pk
        return redirect(f"integrations:choose-{integration.slug}")
    assert outcome.connection is not None  # noqa: S101 - complete() returns one or the other
    return _connected(request, outcome.connection, integration)


def _choice_page(
    request: HttpRequest, integration: Integration, row: OAuthState, error: str = ""
) -> HttpResponse:
    context = {"integration": integration, "choices": row.choices, "error": error}
    return render(request, "integrations/choose.html", context, status=400 if error else 200)


@require_http_methods(["GET", "POST"])
@require_capability(Capability.MANAGE_CONNECTIONS)
def choose(request: HttpRequest, integration: Integration) -> HttpResponseBase:
    user, organisation = _who(request)
    session_key = CHOICE_SESSION_KEY.format(slug=integration.slug)
    try:
        row = flow.pending_choice(organisation, user, int(request.session.get(session_key) or 0))
    except flow.FlowError as error:
        return _failed(request, error)
    if request.method == "GET":
        return _choice_page(request, integration, row)
    try:
        connection = flow.choose(row, request.POST.get("remote_id", ""), user)
    except flow.FlowError as error:
        return _choice_page(request, integration, row, error.message)
    request.session.pop(session_key, None)
    return _connected(request, connection, integration)


@require_GET
@require_capability(Capability.VIEW_INTEGRATIONS)
def detail(request: HttpRequest, integration: Integration, pk: int) -> HttpResponse:
    connection = scoped_get_or_404(request, Connection, pk=pk, provider=integration.slug)
    events = connection.events.select_related("actor")[:100]
    return render(
        request,
        "integrations/connection_detail.html",
        {"integration": integration, "connection": connection, "events": events},
    )


@require_POST
@require_capability(Capability.MANAGE_CONNECTIONS)
def disconnect(request: HttpRequest, integration: Integration, pk: int) -> HttpResponseBase:
    connection = scoped_get_or_404(request, Connection, pk=pk, provider=integration.slug)
    if not connection.is_active:
        messages.info(request, f"{integration.name} was already disconnected.")
        return redirect("integrations:index")
    flow.disconnect(connection, cast(User, request.user))
    messages.success(
        request,
        f"Disconnected from {connection.remote_name}. Its history is kept. Patchbay is "
        f"removing its access at {integration.name} now; if that fails, the connection's "
        "history says so.",
    )
    return redirect("integrations:index")
