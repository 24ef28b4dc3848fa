"""Delivery logs: every delivery with its latest attempt, filters, details and Resend."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from tenancy.access import require_capability
from tenancy.params import without
from tenancy.roles import Capability
from tenancy.scoping import current_organisation, scoped, scoped_get_or_404
from webhooks import services
from webhooks.forms import DeliveryFilterForm
from webhooks.models import Delivery

PER_PAGE = 50
SECRETS = ("endpoint__secret", "endpoint__previous_secret")


def _filtered(request: HttpRequest, chosen: dict[str, Any]) -> QuerySet[Delivery]:
    rows = scoped(request, Delivery).select_related("event", "endpoint").defer(*SECRETS)
    if "status" in chosen:
        rows = rows.filter(status=chosen["status"])
    if "endpoint" in chosen:
        rows = rows.filter(endpoint=chosen["endpoint"])
    if "event" in chosen:
        rows = rows.filter(event__type=chosen["event"])
    if "before" in chosen:  # keyset paging: older than this id
        rows = rows.filter(pk__lt=chosen["before"])
    return rows.order_by("-pk")


@require_GET
@vary_on_headers("HX-Request")
@require_capability(Capability.VIEW_LOGS)
def deliveries(request: HttpRequest) -> HttpResponse:
    filters = DeliveryFilterForm(current_organisation(request), request.GET or None)
    rows = list(_filtered(request, filters.chosen())[: PER_PAGE + 1])
    page, more = rows[:PER_PAGE], len(rows) > PER_PAGE
    context = {
        "filters": filters,
        "deliveries": page,
        "older": page[-1].pk if more else None,
        "query": without(request.GET, "before"),
        # While anything is still being tried, the table refreshes itself.
        "polling": any(not delivery.is_terminal for delivery in page),
    }
    partial = getattr(request, "htmx", False)
    template = "webhooks/_delivery_table.html" if partial else "webhooks/deliveries.html"
    return render(request, template, context)


@require_GET
@require_capability(Capability.VIEW_LOGS)
def delivery_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rows = scoped(request, Delivery).select_related("event", "endpoint").defer(*SECRETS)
    delivery = get_object_or_404(rows.prefetch_related("attempt_log"), pk=pk)
    return render(request, "webhooks/delivery_detail.html", {"delivery": delivery})


@require_POST
@require_capability(Capability.MANAGE_API_ACCESS)
def delivery_resend(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    delivery = scoped_get_or_404(request, Delivery, pk=pk)
    try:
        services.resend(delivery)
    except services.WebhookError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Resending {delivery.event.type} to {delivery.endpoint.url}.")
    return redirect("apikeys:webhooks:delivery_detail", pk=delivery.pk)
