"""Re-enable: the button on a disabled endpoint's page (webhooks.endpoint_health)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from tenancy.access import require_capability
from tenancy.roles import Capability
from tenancy.scoping import scoped_get_or_404
from webhooks import endpoint_health
from webhooks.models import Endpoint


@require_POST
@require_capability(Capability.MANAGE_API_ACCESS)
def endpoint_re_enable(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    endpoint = scoped_get_or_404(request, Endpoint, pk=pk)
    if endpoint.enabled:
        messages.info(request, f"Endpoint {endpoint.url} is already enabled.")
        return redirect("apikeys:webhooks:endpoint_edit", pk=endpoint.pk)
    resent = endpoint_health.re_enable(endpoint)
    what = "nothing was missed" if not resent else f"{resent} missed deliveries are being sent"
    messages.success(
        request,
        f"Endpoint {endpoint.url} is enabled again; {what}. Watch the delivery log for them.",
    )
    return redirect("apikeys:webhooks:endpoint_edit", pk=endpoint.pk)
