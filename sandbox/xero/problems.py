"""Error bodies in Xero's shapes.

The API answers with a problem object (the identity endpoints with RFC 6749's errors:
sandbox/core/oauth.py).
https://github.com/dcblogdev/laravel-xero/issues/40 (403 for a tenant not connected)
https://github.com/XeroAPI/xero-ruby-oauth2-app/issues/82 (401 for a scope not granted)
https://github.com/freakboy3742/pyxero/pull/337 (the TokenExpired body)
"""

from __future__ import annotations

import uuid

from django.http import JsonResponse

AUTHENTICATION_UNSUCCESSFUL = "AuthenticationUnsuccessful"
AUTHORIZATION_UNSUCCESSFUL = "AuthorizationUnsuccessful"


def problem(status: int, title: str, detail: str) -> JsonResponse:
    body: dict[str, object] = {
        "Type": None,
        "Title": title,
        "Status": status,
        "Detail": detail,
        "Instance": str(uuid.uuid4()),
        "Extensions": {},
    }
    return JsonResponse(body, status=status)


def unauthorized(detail: str = AUTHENTICATION_UNSUCCESSFUL) -> JsonResponse:
    return problem(401, "Unauthorized", detail)


def forbidden() -> JsonResponse:
    # Xero says AuthenticationUnsuccessful here too, though the token itself is fine.
    return problem(403, "Forbidden", AUTHENTICATION_UNSUCCESSFUL)


def not_found() -> JsonResponse:
    # Xero's 404 body is undocumented; the problem shape keeps clients' parsing uniform.
    return problem(404, "Not Found", "The resource you're looking for cannot be found")


def bad_request(detail: str) -> JsonResponse:
    return problem(400, "Bad Request", detail)
