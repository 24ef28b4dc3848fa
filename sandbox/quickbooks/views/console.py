"""The QuickBooks sandbox console: what Intuit holds, and buttons for what Intuit's side
can do (faults, disconnecting the app, the bookkeeper's changes). Open to anyone, like the
rest of the sandbox; it shows only sandbox rows, never Patchbay's."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from sandbox.core.params import whole_number
from sandbox.quickbooks import controls, faults, notifications
from sandbox.quickbooks.console_forms import FaultForm
from sandbox.quickbooks.identity import server
from sandbox.quickbooks.models import (
    QboApiCall,
    QboCompany,
    QboConnection,
    QboDelivery,
    QboFault,
    QboRefreshPresentation,
    QboUser,
)
from sandbox.quickbooks.seed import ensure_demo_world
from sandbox.quickbooks.views import books as bookkeeper

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
    url = reverse("sandbox:quickbooks:console")
    kept = {name: request.POST.get(name, "") for name in ("realm", "invoice")} if request else {}
    kept = {name: value for name, value in kept.items() if value}
    if kept:
        url += "?" + urlencode(kept) + "#books-heading"
    return HttpResponseRedirect(url)


def _set_fault(request: HttpRequest) -> HttpResponse:
    form = FaultForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    fault = form.apply()
    verb = "is back to normal" if fault.mode == QboFault.Mode.OK else "now fails"
    messages.success(request, f"{fault.get_target_display()} {verb}: {fault.get_mode_display()}.")
    return _back()


def _clear_faults(request: HttpRequest) -> str:
    faults.clear_faults()
    return "All faults cleared: every endpoint answers normally."


def _connection(request: HttpRequest) -> QboConnection:
    wanted = whole_number(request.POST.get("connection", ""))
    rows = QboConnection.objects.select_related("company")
    connection = rows.filter(pk=wanted).first() if wanted is not None else None
    if connection is None:
        raise ActionFailed("That connection no longer exists: nothing was changed.")
    return connection


def _disconnect(request: HttpRequest) -> str:
    connection = _connection(request)
    delivery = controls.disconnect_app(connection.company.realm_id, connection.client_id)
    told = f" and the Disconnect URL is called ({delivery.url})" if delivery else ""
    return f"{connection.company.name}: app disconnected, its tokens stopped working{told}."


def _expire_refresh(request: HttpRequest) -> str:
    connection = _connection(request)
    count = controls.expire_refresh_tokens(connection.company.realm_id)
    return f"{count} refresh token(s) of {connection.company.name} lapsed."


def _resend(request: HttpRequest) -> str:
    sent = notifications.deliver_pending()
    delivered = sum(1 for row in sent if row.delivered)
    return f"{len(sent)} pending delivery(ies) sent again, {delivered} answered 2xx."


ACTIONS: dict[str, Callable[[HttpRequest], str]] = {
    "clear-faults": _clear_faults,
    "disconnect": _disconnect,
    "expire-refresh": _expire_refresh,
    "resend": _resend,
    **bookkeeper.ACTIONS,
}


def _page(request: HttpRequest, fault_form: FaultForm, status: int = 200) -> HttpResponse:
    context = {
        "fault_form": fault_form,
        "faults": [(target.label, faults.active_fault(target.value)) for target in QboFault.Target],
        "users": QboUser.objects.prefetch_related("companies"),
        "companies": QboCompany.objects.all(),
        "connections": QboConnection.objects.select_related("company", "user"),
        "presentations": QboRefreshPresentation.objects.order_by("-at", "-pk")[:RECENT],
        "api_calls": QboApiCall.objects.order_by("-at", "-pk")[:RECENT],
        "deliveries": QboDelivery.objects.order_by("-created_at", "-pk")[:RECENT],
        **bookkeeper.context(request),
    }
    return server.page(request, "sandbox/quickbooks/console.html", context, status=status)
