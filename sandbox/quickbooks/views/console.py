"""The QuickBooks sandbox console (sandbox/core/console.py): act as Intuit and the
company's bookkeeper: keep a company's books, disconnect the app, see the API calls and
what the sandbox sent to the app."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sandbox.core.console import RECENT, Console, posted
from sandbox.quickbooks import books, controls, notifications
from sandbox.quickbooks.identity import server
from sandbox.quickbooks.models import QboApiCall, QboCompany, QboConnection, QboDelivery, QboUser
from sandbox.quickbooks.views import books as bookkeeper
from sandbox.quickbooks.views import purchasing


def _connection(request: HttpRequest) -> QboConnection:
    rows = QboConnection.objects.select_related("company")
    connection: QboConnection = posted(request, rows, "connection", "connection")
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


def _context(request: HttpRequest) -> dict[str, Any]:
    return {
        "users": QboUser.objects.prefetch_related("companies"),
        "companies": QboCompany.objects.all(),
        "connections": QboConnection.objects.select_related("company", "user"),
        "deliveries": QboDelivery.objects.order_by("-created_at", "-pk")[:RECENT],
        **bookkeeper.context(request),
        **purchasing.context(request),
    }


console = Console(
    server,
    "sandbox/quickbooks/console.html",
    {
        "disconnect": _disconnect,
        "expire-refresh": _expire_refresh,
        "resend": _resend,
        **bookkeeper.ACTIONS,
        **purchasing.ACTIONS,
    },
    _context,
    QboApiCall,
    kept=("realm", "invoice"),
    refused=(books.Refused,),
)
