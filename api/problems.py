"""Every API error as RFC 9457 problem details (``application/problem+json``).

``type`` URIs point into the docs page, where each problem is explained.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response

from apikeys import limiting
from apikeys.ratelimit import Decision, retry_after_seconds

CONTENT_TYPE = "application/problem+json"
DOCS = "/api/v1/docs/#problem-"
# The problem type the IETF rate-limit draft proposes for IANA's registry.
QUOTA_EXCEEDED = "https://iana.org/assignments/http-problem-types#quota-exceeded"


class RateLimited(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "rate_limited"

    def __init__(self, decision: Decision, key_label: str) -> None:
        windows = ", ".join(
            f"{w.limit} requests per {w.name}"
            for w in decision.windows
            if w.name in decision.violated
        )
        super().__init__(f"API key {key_label} exceeded {windows}.")
        self.decision = decision


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The record is not in a state that allows this."


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"
    default_detail = "The request body is too large."


TITLES = {
    400: "Invalid request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
    429: "Too many requests",
}


def problem(
    status_code: int, code: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> Response:
    body = {
        "type": f"{DOCS}{code.replace('_', '-')}",
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
        **extra,
    }
    return Response(body, status=status_code, headers=headers, content_type=CONTENT_TYPE)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(
            f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: let Django report it
    if isinstance(exc, exceptions.ValidationError):
        return _invalid(exc)
    if isinstance(exc, exceptions.ParseError):
        return problem(400, "malformed_json", str(exc.detail))
    return _other(exc)


def _invalid(exc: exceptions.ValidationError) -> Response:
    errors = _flatten(exc.detail)
    return problem(400, "invalid_fields", "Some fields are not valid: see errors.", errors=errors)


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Nested serializer errors as ``{"lines[0].unit_price": ["…"]}``."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for name, value in detail.items():
            flat.update(_flatten(value, _path(prefix, name)))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, value in enumerate(detail):
            flat.update(_flatten(value, f"{prefix}[{index}]"))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(message) for message in messages]}


def _path(prefix: str, name: object) -> str:
    if isinstance(name, int):  # a list item's errors are keyed by its index
        return f"{prefix}[{name}]"
    return f"{prefix}.{name}" if prefix else str(name)


def _other(exc: exceptions.APIException) -> Response:
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else "error"
    extra: dict[str, Any] = {}
    headers: dict[str, str] = {}
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    scope = getattr(exc, "scope", None)
    if scope:
        extra["required_scope"] = scope
    if isinstance(exc, RateLimited):
        seconds = retry_after_seconds(exc.decision)
        headers.update(limiting.headers(exc.decision), **{"Retry-After": str(seconds)})
        extra["type"] = QUOTA_EXCEEDED
        extra["violated-policies"] = list(exc.decision.violated)
        extra["retry_after_seconds"] = seconds
    return problem(exc.status_code, code, str(exc.detail), headers, **extra)


@csrf_exempt  # API clients send no CSRF token; this view changes nothing
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Unknown URLs under /api/v1/ answer in the API's own format."""
    body = {
        "type": f"{DOCS}not-found",
        "title": TITLES[404],
        "status": 404,
        "detail": "There is no such API endpoint. See /api/v1/docs/.",
    }
    return JsonResponse(body, status=404, content_type=CONTENT_TYPE)
