"""Sage's error bodies.

The accounting API answers errors with a JSON array of
`{"$severity", "$dataCode", "$message", "$source"}`; the OAuth endpoints with
`{"error": "..."}` (sandbox/core/oauth.py).
https://developer.sage.com/accounting/guides/concepts/frequently_raised_errors
https://developer.sage.com/accounting/guides/concepts/idempotency
Where Sage's body for a case is unpublished (expired token, 404, 429, unknown business),
the sandbox keeps the same array shape and says so in sandbox/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import JsonResponse


@dataclass(frozen=True)
class Problem:
    data_code: str
    message: str
    source: str = ""

    def as_json(self) -> dict[str, str]:
        return {
            "$severity": "error",
            "$dataCode": self.data_code,
            "$message": self.message,
            "$source": self.source,
        }


def errors(status: int, *problems: Problem) -> JsonResponse:
    return JsonResponse([problem.as_json() for problem in problems], status=status, safe=False)


def error(status: int, data_code: str, message: str, source: str = "") -> JsonResponse:
    return errors(status, Problem(data_code, message, source))


def invalid(*problems: Problem) -> JsonResponse:
    """422: the request was understood but its data cannot be saved."""
    return errors(422, *problems)


def record_invalid(message: str, source: str) -> JsonResponse:
    return invalid(Problem("RecordInvalid", message, source))


def unauthenticated() -> JsonResponse:
    return error(401, "AuthorizationFailure", "Access token is missing, invalid or expired.")


def no_subscription() -> JsonResponse:
    # Sage's documented words for a lapsed trial or a cancelled subscription.
    return error(401, "AuthorizationFailure", "No active subscription. (MSE)")


def forbidden(message: str) -> JsonResponse:
    return error(403, "AccessDenied", message)


def not_found(message: str = "Record not found.") -> JsonResponse:
    return error(404, "RecordNotFound", message)


def too_many_requests() -> JsonResponse:
    return error(429, "TooManyRequests", "Too many requests have been made against the API.")


def server_error() -> JsonResponse:
    return error(500, "UnexpectedError", "An unexpected error occurred. Please try again.")
