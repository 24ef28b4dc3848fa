"""The accounting API's response bodies: the envelope, and its error shapes.

Errors in the request's data are a 400 with Xero's `Error` body (ErrorNumber, Type,
Message, Elements); each element carries its own ValidationErrors.
https://developer.xero.com/documentation/api/accounting/responsecodes
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import JsonResponse

from sandbox.xero.accounting.dates import stamp
from sandbox.xero.identity import registered_app
from sandbox.xero.serialise import ms_date

Json = dict[str, Any]

VALIDATION_EXCEPTION = 10
# Xero's numbers for unreadable request bodies and unreadable `where` filters, as
# integrators have recorded them; the spec documents only ValidationException.
POST_DATA_INVALID = 14
QUERY_PARSE = 16


def envelope(plural: str, items: list[Json], pagination: Json | None = None) -> Json:
    """{"Id", "Status", "ProviderName", "DateTimeUTC", <Plural>} as in the spec's examples."""
    body: Json = {
        "Id": str(uuid.uuid4()),
        "Status": "OK",
        "ProviderName": registered_app().name,
        "DateTimeUTC": ms_date(stamp()),
    }
    if pagination is not None:
        body["pagination"] = pagination
    body[plural] = items
    return body


def ok(plural: str, items: list[Json], pagination: Json | None = None) -> JsonResponse:
    return JsonResponse(envelope(plural, items, pagination))


def validation_exception(elements: list[Json]) -> JsonResponse:
    body: Json = {
        "ErrorNumber": VALIDATION_EXCEPTION,
        "Type": "ValidationException",
        "Message": "A validation exception occurred",
        "Elements": elements,
    }
    return JsonResponse(body, status=400)


def post_data_invalid(message: str) -> JsonResponse:
    body: Json = {"ErrorNumber": POST_DATA_INVALID, "Type": "PostDataInvalidException"}
    body["Message"] = message
    return JsonResponse(body, status=400)


def query_parse_error(message: str) -> JsonResponse:
    body: Json = {"ErrorNumber": QUERY_PARSE, "Type": "QueryParseException", "Message": message}
    return JsonResponse(body, status=400)


def messages(errors: list[str]) -> list[Json]:
    return [{"Message": text} for text in errors]
