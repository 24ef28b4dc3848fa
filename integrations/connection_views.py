"""Connect, callback, choose an organisation, details and disconnect: one set per
OAuth integration, routed by integrations.urls from the registry.

An organisation's integration (its accounting platform) is managed by owners and
integration managers from the Integrations page. A per-user integration (a crew member's
calendar) is connected by each user for themselves from their profile, and its
connection is theirs alone: another user of the organisation, owners included, gets a
404 for it, as for another organisation's.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
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
View = Callable[..., HttpResponseBase]


def _to_connect(integration: Integration) -> Capability:
    if integration.per_user:
        return Capability.CONNECT_OWN_CALENDAR
    return Capability.MANAGE_CONNECTIONS


def _to_view(integration: Integration) -> Capability:
    if integration.per_user:
        return Capability.CONNECT_OWN_CALENDAR
    return Capability.VIEW_INTEGRATIONS


def _requires(capability_for: Callable[[Integration], Capability]) -> Callable[[View], View]:
    """require_capability with the capability the URL's integration calls for."""

    def decorator(view: View) -> View:
        @wraps(view)
        def guarded(
            request: HttpRequest, *args: object, integration: Integration, **kwargs: object
        ) -> HttpResponseBase:
            checked = require_capability(capability_for(integration))(view)
            return checked(request, *args, integration=integration, **kwargs)

        return guarded

    return decorator


def _home(integration: Integration) -> str:
    """Where the integration is managed: the user's profile or the Integrations page."""
    return "tenancy:profile" if integration.per_user else "integrations:index"


def _connection_or_404(request: HttpRequest, integration: Integration, pk: int) -> Connection:
    if integration.per_user:
        owned: dict[str, object] = {"owner": request.user}
    else:
        owned = {"owner__isnull": True}
    return scoped_get_or_404(request, Connection, pk=pk, provider=integration.slug, **owned)


def _who(request: HttpRequest) -> tuple[User, Organisation]:
    return cast(User, request.user), current_organisation(request)


def _connected(
    request: HttpRequest, connection: Connection, integration: Integration
) -> HttpResponse:
    messages.success(request, f"{integration.name} is connected to {connection.remote_name}.")
    if integration.per_user:
        return redirect(_home(integration))
    query = urlencode({integration.slug: "connected", "org": connection.remote_name})
    return redirect(f"{reverse('integrations:index')}?{query}")


def _failed(request: HttpRequest, integration: Integration, error: flow.FlowError) -> HttpResponse:
    messages.error(request, error.message)
    return redirect(_home(integration))


@require_POST
@_requires(_to_connect)
def connect(request: HttpRequest, integration: Integration) -> HttpResponseBase:
    user, organisation = _who(request)
    try:
        entity = request.POST.get("legal_entity")
        return redirect(flow.begin(request, integration, user, organisation, entity))
    except flow.FlowError as error:
        return _failed(request, integration, error)


@require_GET
@_requires(_to_connect)
def callback(request: HttpRequest, integration: Integration) -> HttpResponseBase:
    user, organisation = _who(request)
    try:
        outcome = flow.complete(request, integration, request.GET.dict(), user, organisation)
    except flow.FlowError as error:
        return _failed(request, integration, error)
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
@_requires(_to_connect)
def choose(request: HttpRequest, integration: Integration) -> HttpResponseBase:
    user, organisation = _who(request)
    session_key = CHOICE_SESSION_KEY.format(slug=integration.slug)
    try:
        row = flow.pending_choice(organisation, user, int(request.session.get(session_key) or 0))
    except flow.FlowError as error:
        return _failed(request, integration, error)
    if request.method == "GET":
        return _choice_page(request, integration, row)
    try:
        connection = flow.choose(row, request.POST.get("remote_id", ""), user)
    except flow.FlowError as error:
        return _choice_page(request, integration, row, error.message)
    request.session.pop(session_key, None)
    return _connected(request, connection, integration)


@require_GET
@_requires(_to_view)
def detail(request: HttpRequest, integration: Integration, pk: int) -> HttpResponse:
    connection = _connection_or_404(request, integration, pk)
    events = connection.events.select_related("actor")[:100]
    return render(
        request,
        "integrations/connection_detail.html",
        {"integration": integration, "connection": connection, "events": events},
    )


CONFIRM = "confirm"


def _confirmation(
    request: HttpRequest, integration: Integration, connection: Connection
) -> HttpResponse:
    terms = integration.disconnect_terms(connection, request.GET)
    context = {"integration": integration, "connection": connection, "terms": terms}
    context |= {"confirm": CONFIRM, "home": _home(integration)}
    return render(request, "integrations/disconnect.html", context)


@require_http_methods(["GET", "POST"])
@_requires(_to_connect)
def disconnect(request: HttpRequest, integration: Integration, pk: int) -> HttpResponseBase:
    """GET: the confirmation, saying what is kept and what is revoked. POST: disconnect,
    only with the confirmation's own field; a bare POST (a forged or stale one-click
    form) changes nothing and lands on the confirmation."""
    connection = _connection_or_404(request, integration, pk)
    if not connection.is_active:
        messages.info(request, f"{integration.name} was already disconnected.")
        return redirect(_home(integration))
    if request.method == "GET":
        return _confirmation(request, integration, connection)
    if request.POST.get(CONFIRM) != "yes":
        return redirect(request.path)
    choices = {name: request.POST.get(name, "") for name in integration.disconnect_choices}
    integration.before_disconnect(connection, choices)
    flow.disconnect(connection, cast(User, request.user))
    messages.success(
        request,
        f"Disconnected from {connection.remote_name}. Its history is kept. Patchbay is "
        f"removing its access at {integration.name} now; if that fails, the connection's "
        "history says so.",
    )
    return redirect(_home(integration))
