"""api.xero.com in the sandbox: connections and the accounting API's Organisation."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from sandbox.xero import problems, serialise
from sandbox.xero.api import Caller, serve
from sandbox.xero.identity import registered_app
from sandbox.xero.scopes import ORGANISATION_READ


@csrf_exempt  # Bearer-authenticated API, no cookies involved
@require_GET
def connections(request: HttpRequest) -> HttpResponse:
    def answer(caller: Caller) -> HttpResponse:
        rows = caller.token.grant.connections.select_related("organisation")
        event = request.GET.get("authEventId")
        if event is not None:
            try:
                rows = rows.filter(auth_event_id=uuid.UUID(event))
            except ValueError:
                return problems.bad_request("authEventId is not a valid uuid")
        return JsonResponse([serialise.connection(row) for row in rows], safe=False)

    return serve(request, answer, tenant_scoped=False)


@csrf_exempt  # as above
@require_http_methods(["DELETE"])
def connection(request: HttpRequest, connection_id: str) -> HttpResponse:
    def answer(caller: Caller) -> HttpResponse:
        try:
            wanted = uuid.UUID(connection_id)
        except ValueError:
            return problems.not_found()
        # DELETE takes the connection id, not the tenant id.
        # https://github.com/XeroAPI/xero-node/issues/403
        deleted, _ = caller.token.grant.connections.filter(id=wanted).delete()
        return HttpResponse(status=204) if deleted else problems.not_found()

    return serve(request, answer, tenant_scoped=False)


@csrf_exempt  # as above
@require_GET
def organisation(request: HttpRequest) -> HttpResponse:
    def answer(caller: Caller) -> HttpResponse:
        return JsonResponse(envelope("Organisations", [serialise.organisation(caller.tenant)]))

    return serve(request, answer, tenant_scoped=True, scopes=ORGANISATION_READ)


def envelope(plural: str, items: list[dict[str, object]]) -> dict[str, object]:
    """The accounting API's response wrapper (spec examples)."""
    return {
        "Id": str(uuid.uuid4()),
        "Status": "OK",
        "ProviderName": registered_app().name,
        "DateTimeUTC": serialise.ms_date(timezone.now()),
        plural: items,
    }
