"""oauth.accounting.sage.com in the sandbox: the token and revoke endpoints."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sandbox.sage import faults
from sandbox.sage.clients import authenticated
from sandbox.sage.errors import no_store, oauth_error
from sandbox.sage.exchange import OAuthError, exchange
from sandbox.sage.models import SageFault
from sandbox.sage.revocation import revoke_presented


@csrf_exempt  # called server to server with client credentials, never from a browser form
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    plan = faults.plan(SageFault.Target.TOKEN, "POST")
    if plan.instead is not None:
        return plan.instead
    try:
        body = exchange(request.POST.dict())
    except OAuthError as error:
        return oauth_error(error.error, error.status)
    return no_store(JsonResponse(body))


@csrf_exempt  # as for the token endpoint
@require_POST
def revoke(request: HttpRequest) -> HttpResponse:
    """`{"success": "ok"}` whether or not the token was known (RFC 7009, 2.2)."""
    form = request.POST
    app = authenticated(form.get("client_id", ""), form.get("client_secret", ""))
    if app is None:
        return oauth_error("invalid_client", 401)
    raw = form.get("token", "")
    if not raw:
        return oauth_error("invalid_request")
    revoke_presented(raw, app.client_id)
    return no_store(JsonResponse({"success": "ok"}))
