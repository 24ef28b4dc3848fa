"""Google's JSON error bodies: {"error": {"code", "message", "errors": [...], "status"}}.
https://developers.google.com/workspace/calendar/api/guides/errors
"""

from __future__ import annotations

from django.http import JsonResponse

STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    410: "FAILED_PRECONDITION",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
}


def error(
    code: int,
    reason: str,
    message: str,
    *,
    domain: str = "global",
    location: str = "",
    location_type: str = "",
) -> JsonResponse:
    item = {"domain": domain, "reason": reason, "message": message}
    if location:
        item |= {"location": location, "locationType": location_type or "parameter"}
    body = {"code": code, "message": message, "errors": [item]}
    if code in STATUS_NAMES:
        body["status"] = STATUS_NAMES[code]
    return JsonResponse({"error": body}, status=code)


def unauthenticated() -> JsonResponse:
    return error(
        401,
        "authError",
        "Invalid Credentials",
        location="Authorization",
        location_type="header",
    )


def insufficient_scope() -> JsonResponse:
    return error(403, "insufficientPermissions", "Request had insufficient authentication scopes.")


def not_found() -> JsonResponse:
    return error(404, "notFound", "Not Found")


def deleted() -> JsonResponse:
    return error(410, "deleted", "Resource has been deleted")


def duplicate() -> JsonResponse:
    return error(409, "duplicate", "The requested identifier already exists.")


def condition_not_met() -> JsonResponse:
    return error(
        412, "conditionNotMet", "Precondition Failed", location="If-Match", location_type="header"
    )


def full_sync_required() -> JsonResponse:
    message = "Sync token is no longer valid, a full sync is required."
    return error(410, "fullSyncRequired", message, domain="calendar", location="syncToken")


def invalid(message: str, location: str = "") -> JsonResponse:
    return error(400, "invalid", message, location=location)


def backend_error() -> JsonResponse:
    return error(500, "backendError", "Backend Error")


def rate_limited(status: int, reason: str) -> JsonResponse:
    message = (
        "Rate Limit Exceeded" if reason != "quotaExceeded" else "Calendar usage limits exceeded."
    )
    return error(status, reason, message, domain="usageLimits")
