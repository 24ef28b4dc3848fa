"""oauth.platform.intuit.com and developer.api.intuit.com in the sandbox: the token and
revoke endpoints, the OpenID discovery document and the JWKS."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from sandbox.quickbooks import faults, signing
from sandbox.quickbooks.clients import InvalidClient, authenticate
from sandbox.quickbooks.exchange import OAuthError, exchange
from sandbox.quickbooks.models import QboFault
from sandbox.quickbooks.revocation import revoke_presented
from sandbox.quickbooks.scopes import KNOWN
from tenancy import bounded_json


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


def _oauth_error(error: str, status: int = 400) -> HttpResponse:
    return _no_store(JsonResponse({"error": error}, status=status))


def issuer(request: HttpRequest) -> str:
    """The stand-in for https://oauth.platform.intuit.com/op/v1 on the host that served it."""
    return request.build_absolute_uri(reverse("sandbox:quickbooks:jwks")).removesuffix("/jwks")


@csrf_exempt  # server to server with client credentials, never a browser form
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    plan = faults.plan(QboFault.Target.TOKEN, "POST")
    if plan.instead is not None:
        return plan.instead
    form = request.POST.dict()
    try:
        app = authenticate(request, form)
        body = exchange(form, app, issuer(request))
    except InvalidClient:
        return _oauth_error("invalid_client", 401)
    except OAuthError as error:
        return _oauth_error(error.error, error.status)
    return _no_store(JsonResponse(body))


@csrf_exempt  # as for the token endpoint
@require_POST
def revoke(request: HttpRequest) -> HttpResponse:
    """Body {"token": "<refresh or access token>"} as JSON (Intuit's way) or a form."""
    try:
        sent = (
            bounded_json.loads(request.body or b"{}")
            if "json" in (request.content_type or "")
            else {}
        )
    except ValueError:  # malformed, not UTF-8, or nested too deep
        return _oauth_error("invalid_request")
    raw = str(
        (sent if isinstance(sent, dict) else {}).get("token") or request.POST.get("token", "")
    )
    try:
        app = authenticate(request, request.POST.dict())
    except InvalidClient:
        return _oauth_error("invalid_client", 401)
    if not raw:
        return _oauth_error("invalid_request")
    revoke_presented(raw, app.client_id)
    return _no_store(HttpResponse(status=200))


@require_GET
def discovery(request: HttpRequest) -> JsonResponse:
    """Like https://developer.intuit.com/.well-known/openid-sandbox-configuration."""

    def url(name: str) -> str:
        return request.build_absolute_uri(reverse(f"sandbox:quickbooks:{name}"))

    return JsonResponse(
        {
            "issuer": issuer(request),
            "authorization_endpoint": url("authorize"),
            "token_endpoint": url("token"),
            "revocation_endpoint": url("revoke"),
            "jwks_uri": url("jwks"),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "scopes_supported": list(KNOWN),
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [signing.ALGORITHM],
            "claims_supported": ["aud", "exp", "iat", "iss", "realmid", "sub"],
        }
    )


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """The public keys ID tokens are signed with (https://oauth.platform.intuit.com/op/v1/jwks)."""
    return JsonResponse(signing.jwk_set())
