from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from integrations.cards import active_connections, build_card, build_cards_by_category
from integrations.registry import get_integration
from tenancy.access import current_membership, require_capability
from tenancy.roles import Capability


@require_GET
@require_capability(Capability.VIEW_INTEGRATIONS)
def index(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    if membership is None:  # require_capability has refused this already
        raise Http404("No organisation.")
    return render(
        request,
        "integrations/index.html",
        {"sections": build_cards_by_category(membership)},
    )


@require_GET
@vary_on_headers("HX-Request")
@require_capability(Capability.VIEW_INTEGRATIONS)
def card(request: HttpRequest, slug: str) -> HttpResponse:
    """One card alone, for htmx to swap in place (status, progress)."""
    integration = get_integration(slug)
    membership = current_membership(request)
    if integration is None or membership is None:
        raise Http404("No such integration.")
    card = build_card(integration, membership, active_connections(membership))
    return render(request, "integrations/_card.html", {"card": card})
