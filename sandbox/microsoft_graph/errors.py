"""Graph's error body: {"error": {"code", "message", "innerError": {...}}}
(https://learn.microsoft.com/graph/errors). Codes Microsoft does not document for a
case are the sandbox's choice and are listed in sandbox/README.md."""

from __future__ import annotations

import uuid

from django.http import JsonResponse
from django.utils import timezone


def graph_error(status: int, code: str, message: str) -> JsonResponse:
    now = timezone.now().strftime("%Y-%m-%dT%H:%M:%S")
    request_id = str(uuid.uuid4())
    inner = {"date": now, "request-id": request_id, "client-request-id": request_id}
    response = JsonResponse(
        {"error": {"code": code, "message": message, "innerError": inner}}, status=status
    )
    response["request-id"] = request_id
    return response


def unauthenticated() -> JsonResponse:
    response = graph_error(401, "InvalidAuthenticationToken", "Access token is empty or invalid.")
    response["WWW-Authenticate"] = 'Bearer realm="", error="invalid_token"'
    return response


def forbidden(message: str = "Access is denied. Check credentials and try again.") -> JsonResponse:
    return graph_error(403, "ErrorAccessDenied", message)


def not_found(message: str = "The specified object was not found in the store.") -> JsonResponse:
    return graph_error(404, "ErrorItemNotFound", message)


def bad_request(message: str, code: str = "ErrorInvalidRequest") -> JsonResponse:
    return graph_error(400, code, message)


def too_many_requests(retry_after: str) -> JsonResponse:
    """The throttling sample of https://learn.microsoft.com/graph/throttling; a blank
    `retry_after` leaves the header out (clients must then back off on their own)."""
    response = graph_error(429, "TooManyRequests", "Please retry again later.")
    if retry_after:
        response["Retry-After"] = retry_after
    return response


def server_error() -> JsonResponse:
    return graph_error(500, "generalException", "An internal server error occurred.")
