"""Intuit's error bodies.

The API answers validation and business errors with a `Fault` envelope (HTTP 400, or 200
for an item inside a batch); the gateway in front of it answers authentication,
authorisation and throttling with its own lower-case `fault` shape.
https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse

from sandbox.quickbooks.clock import envelope_time

Json = dict[str, Any]

# code -> Message, as Intuit words them (Detail carries the particulars).
MESSAGES = {
    "610": "Object Not Found",
    "2010": "Request has invalid or unsupported property",
    "2020": "Required param missing, need to supply the required value for the API",
    "2030": "Invalid ID",
    "2050": "String length is either shorter or longer than supported by specification",
    "2500": "Invalid Reference Id",
    "4000": "Error parsing query",
    "4001": "Invalid query",
    "5010": "Stale Object Error",
    "6000": "A business validation error has occurred while processing your request",
    "6140": "Duplicate Document Number Error",
    "6240": "Duplicate Name Exists Error",
    "10000": "An application error has occurred while processing your request",
}


@dataclass(frozen=True)
class Error:
    code: str
    detail: str
    element: str = ""

    def as_json(self) -> Json:
        return {
            "Message": MESSAGES.get(self.code, "Validation Error"),
            "Detail": self.detail,
            "code": self.code,
            "element": self.element,
        }


@dataclass
class Invalid(Exception):
    """A request the API refuses: becomes a Fault of `fault_type`."""

    errors: list[Error] = field(default_factory=list)
    fault_type: str = "ValidationFault"

    def __str__(self) -> str:
        return "; ".join(f"{error.code} {error.detail}" for error in self.errors)

    def fault(self) -> Json:
        return {"Error": [error.as_json() for error in self.errors], "type": self.fault_type}


def invalid(code: str, detail: str, element: str = "") -> Invalid:
    return Invalid([Error(code, detail, element)])


def required(element: str) -> Invalid:
    return invalid("2020", f"Required parameter {element} is missing in the request", element)


def not_found(entity: str, entity_id: object) -> Invalid:
    detail = (
        f"Object Not Found : Something you're trying to use has been made inactive or "
        f"deleted. Check the fields with {entity} Id {entity_id}."
    )
    return invalid("610", detail)


def business(detail: str, element: str = "") -> Invalid:
    return invalid("6000", f"Business Validation Error: {detail}", element)


def json_response(body: Json, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(body), status=status, content_type="application/json")


def fault_response(problem: Invalid, status: int = 400) -> HttpResponse:
    return json_response({"Fault": problem.fault(), "time": envelope_time()}, status)


def system_fault() -> HttpResponse:
    problem = Invalid([Error("10000", "System Failure Error: An unexpected error occurred")])
    problem.fault_type = "SystemFault"
    return fault_response(problem, 500)


def _gateway(status: int, code: str, name: str, detail: str, kind: str) -> HttpResponse:
    # The gateway's shape, lower-case keys: https://github.com/routablehq/python-quickbooks/issues/250
    error = {
        "message": f"message={name}; errorCode=00{code}; statusCode={status}",
        "detail": detail,
        "code": code,
    }
    return json_response({"fault": {"error": [error], "type": kind}}, status)


def unauthorized(detail: str = "Token invalid") -> HttpResponse:
    response = _gateway(401, "3200", "AuthenticationFailed", detail, "AUTHENTICATION")
    response["WWW-Authenticate"] = 'Bearer realm="Intuit", error="invalid_token"'
    return response


def forbidden(detail: str) -> HttpResponse:
    return _gateway(403, "3100", "AuthorizationFailed", detail, "AUTHORIZATION")


def throttled(retry_after: int = 0) -> HttpResponse:
    """429 ThrottleExceeded (code 3001), seen as XML in
    https://github.com/intuit/QuickBooks-V3-PHP-SDK/issues/54; rendered here in the Fault
    envelope. Intuit documents no Retry-After; SANDBOX_QUICKBOOKS_RETRY_AFTER_SECONDS adds one."""
    error = {
        "Message": "message=ThrottleExceeded; errorCode=003001; statusCode=429",
        "Detail": "The request limit was reached. Try again later",
        "code": "3001",
    }
    response = json_response(
        {"Fault": {"Error": [error], "type": "SERVICE"}, "time": envelope_time()}, 429
    )
    if retry_after > 0:
        response["Retry-After"] = str(retry_after)
    return response
