"""identity.xero.com in the sandbox: token, revocation and OpenID discovery."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from sandbox.xero import faults
from sandbox.xero.clients import InvalidClient, authenticate
from sandbox.xero.exchange import OAuthError, exchange
from sandbox.xero.keys import issuer
from sandbox.xero.models import XeroFault
from sandbox.xero.problems import no_store, oauth_error
from sandbox.xero.revocation import revoke_presented
from sandbox.xero.scopes import PLAIN_WORDS


@csrf_exempt  # called server to server with client credentials, never from a browser form
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    interrupted = faults.interruption(XeroFault.Target.TOKEN)
    if interrupted is not None:
        return interrupted
    try:
        client = authenticate(request)
        body = exchange(request.POST.dict(), client, issuer(request))
    except InvalidClient as error:
        return oauth_error("invalid_client", 401, basic_challenge=error.used_basic)
    except OAuthError as error:
        return oauth_error(error.error, error.status)
    return no_store(JsonResponse(body))


@csrf_exempt  # as for the token endpoint
@require_POST
def revocation(request: HttpRequest) -> HttpResponse:
    """RFC 7009: 200 whether or not the token was known."""
    raw = request.POST.get("token", "")
    try:
        client = authenticate(request)
        if not raw:
            return oauth_error("invalid_request")
        revoke_presented(raw, client)
    except InvalidClient as error:
        return oauth_error("invalid_client", 401, basic_challenge=error.used_basic)
    return no_store(HttpResponse(status=200))


@require_GET
def discovery(request: HttpRequest) -> JsonResponse:
    """Like https://identity.xero.com/.well-known/openid-configuration, minus the
    JWKS: the sandbox signs with HS256, not Xero's published RSA keys."""

    def url(name: str) -> str:
        return request.build_absolute_uri(reverse(f"sandbox:xero:{name}"))

    return JsonResponse(
        {
            "issuer": issuer(request),
            "authorization_endpoint": url("authorize"),
            "token_endpoint": url("token"),
            "revocation_endpoint": url("revocation"),
            "scopes_supported": list(PLAIN_WORDS),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
                "none",
            ],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["HS256"],
        }
    )
