"""The Xero sandbox console: what Xero holds, and buttons for what Xero's side can do.

Open to anyone, like the rest of the sandbox; it shows only sandbox rows, never
Patchbay's.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from sandbox.xero import controls, faults
from sandbox.xero.console_forms import ConnectionForm, FaultForm, GrantForm
from sandbox.xero.identity import revoke_grant, server
from sandbox.xero.models import (
    XeroApiCall,
    XeroFault,
    XeroGrant,
    XeroOrganisation,
    XeroRefreshPresentation,
    XeroToken,
    XeroUser,
)
from sandbox.xero.seed import ensure_demo_world
from sandbox.xero.views import books as bookkeeper
from sandbox.xero.views import webhooks as webhook_panel

RECENT = 50


class ActionFailed(Exception):
    pass


@require_http_methods(["GET", "POST"])
def console(request: HttpRequest) -> HttpResponse:
    ensure_demo_world()
    if request.method == "GET":
        return _page(request, FaultForm())
    if request.POST.get("action") == "fault":
        return _set_fault(request)
    action = ACTIONS.get(request.POST.get("action", ""))
    try:
        if action is None:
            raise ActionFailed("Unknown action: nothing was changed.")
        messages.success(request, action(request))
    except (ActionFailed, bookkeeper.BookkeeperError) as failure:
        messages.error(request, str(failure))
    return _back(request)


def _back(request: HttpRequest | None = None) -> HttpResponse:
    """Back to the console, on the organisation and invoice the person was working on."""
    url = reverse("sandbox:xero:console")
    kept = {name: request.POST.get(name, "") for name in ("tenant", "invoice")} if request else {}
    kept = {name: value for name, value in kept.items() if value}
    if kept:
        url += "?" + urlencode(kept) + "#books-heading"
    return HttpResponseRedirect(url)


def _set_fault(request: HttpRequest) -> HttpResponse:
    form = FaultForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    fault = form.apply()
    ends = f" until {fault.until:%Y-%m-%d %H:%M:%S} UTC" if fault.until else " until cleared"
    verb = "is back to normal" if fault.mode == XeroFault.Mode.OK else "now fails"
    messages.success(
        request, f"{fault.get_target_display()} {verb}: {fault.get_mode_display()}{ends}."
    )
    return _back()


def _clear_faults(request: HttpRequest) -> str:
    faults.clear_faults()
    return "All faults cleared: every endpoint answers normally."


def _grant(request: HttpRequest) -> XeroGrant:
    form = GrantForm(request.POST)
    if not form.is_valid():
        raise ActionFailed("That grant no longer exists: nothing was changed.")
    return form.chosen()


def _expire_refresh(request: HttpRequest) -> str:
    grant = _grant(request)
    count = controls.expire_refresh_tokens(grant)
    return f"{count} refresh token(s) of {grant} lapsed: the next refresh gets invalid_grant."


def _revoke(request: HttpRequest) -> str:
    grant = _grant(request)
    revoke_grant(grant)
    return f"{grant}: app revoked, every token stopped working and every connection was removed."


def _disconnect(request: HttpRequest) -> str:
    form = ConnectionForm(request.POST)
    if not form.is_valid():
        raise ActionFailed("That connection no longer exists: nothing was changed.")
    connection = form.chosen()
    controls.disconnect(connection)
    return (
        f"{connection.organisation.name} disconnected for {connection.grant.user.email}: "
        "its API calls now get 403."
    )


ACTIONS: dict[str, Callable[[HttpRequest], str]] = {
    "clear-faults": _clear_faults,
    "expire-refresh": _expire_refresh,
    "revoke": _revoke,
    "disconnect": _disconnect,
    **bookkeeper.ACTIONS,
    **webhook_panel.ACTIONS,
}


def _page(request: HttpRequest, fault_form: FaultForm, status: int = 200) -> HttpResponse:
    context = {
        "fault_form": fault_form,
        "faults": [_fault_state(target) for target in XeroFault.Target],
        "users": XeroUser.objects.prefetch_related("organisations"),
        "organisations": XeroOrganisation.objects.all(),
        "grants": XeroGrant.objects.select_related("user").prefetch_related(
            "connections__organisation"
        ),
        "tokens": XeroToken.objects.select_related("grant__user").annotate(
            calls=Count("api_calls")
        )[:RECENT],
        "presentations": XeroRefreshPresentation.objects.order_by("-at", "-pk")[:RECENT],
        "api_calls": XeroApiCall.objects.order_by("-at", "-pk")[:RECENT],
        **bookkeeper.context(request),
        **webhook_panel.context(request),
    }
    return server.page(request, "sandbox/xero/console.html", context, status=status)


def _fault_state(target: XeroFault.Target) -> tuple[str, XeroFault | None]:
    return target.label, faults.active_fault(target.value)
