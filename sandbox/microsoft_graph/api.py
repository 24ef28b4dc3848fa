"""What every Graph call goes through (sandbox/core/gate.py): the Bearer token, the
scope the call needs, the per-mailbox limit, and the call record.

Outlook's limit is per app and mailbox: 10,000 requests in any 10 minutes
(https://learn.microsoft.com/graph/throttling-limits); a 429 carries Retry-After as
SANDBOX_GRAPH_RETRY_AFTER says (Microsoft documents seconds; one sample is "2.128").
The 4-concurrent-requests limit is not emulated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse

from sandbox.core.faults import WRITES
from sandbox.core.gate import ApiGate, Handler, Refused
from sandbox.core.ratelimits import Window
from sandbox.microsoft_graph import errors, faults, tokens
from sandbox.microsoft_graph.models import GraphApiCall, GraphToken, GraphUser

READ_SCOPES = ("Calendars.Read", "Calendars.ReadWrite")


@dataclass(frozen=True)
class Caller:
    token: GraphToken

    @property
    def user(self) -> GraphUser:
        return self.token.grant.user

    @property
    def client_id(self) -> str:
        return self.token.grant.client_id


class GraphGate(ApiGate[Caller]):
    call_model = GraphApiCall
    full_path = True

    def authenticate(self, request: HttpRequest) -> GraphToken:
        token = tokens.live_access_token(request.headers.get("Authorization", ""))
        if token is None:
            raise Refused(errors.unauthenticated())
        return token

    def admit(self, request: HttpRequest, token: GraphToken, **needs: Any) -> Caller:
        return Caller(token)

    def check(self, request: HttpRequest, caller: Caller, **needs: Any) -> None:
        if not needs.get("calendars", True):
            return
        granted = set(caller.token.scopes)
        needed = ("Calendars.ReadWrite",) if request.method in WRITES else READ_SCOPES
        if not granted.intersection(needed):
            raise Refused(errors.forbidden())

    def within_limits(self, caller: Caller, handler: Handler[Caller], **needs: Any) -> HttpResponse:
        window = Window(
            "ten-minutes",
            int(settings.SANDBOX_GRAPH_TEN_MINUTE_LIMIT),
            timedelta(minutes=10),
            Q(mailbox=caller.user.oid, client_id=caller.client_id),
            GraphApiCall,
        )
        if window.exhausted():
            return errors.too_many_requests(str(settings.SANDBOX_GRAPH_RETRY_AFTER))
        return handler(caller)

    def where(self, caller: Caller | None, response: HttpResponse, **needs: Any) -> dict[str, Any]:
        return {"mailbox": caller.user.oid if caller else ""}

    def finish(self, response: HttpResponse) -> HttpResponse:
        response.setdefault("request-id", "00000000-0000-0000-0000-000000000000")
        return response


_gate = GraphGate(faults)


def serve(request: HttpRequest, handler: Handler[Caller], **needs: Any) -> HttpResponse:
    return _gate.serve(request, handler, **needs)


def body_of(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise Refused(
            errors.bad_request("Unable to read JSON request payload.", "BadRequest")
        ) from None
    if not isinstance(body, dict):
        raise Refused(errors.bad_request("The request body must be a JSON object.", "BadRequest"))
    return body


def preferred_zone(request: HttpRequest) -> str:
    """`Prefer: outlook.timezone="..."`; UTC otherwise."""
    for part in request.headers.get("Prefer", "").split(","):
        name, _, value = part.strip().partition("=")
        if name.strip() == "outlook.timezone":
            return value.strip().strip('"') or "UTC"
    return "UTC"


def max_page_size(request: HttpRequest, default: int) -> int:
    for part in request.headers.get("Prefer", "").split(","):
        name, _, value = part.strip().partition("=")
        if name.strip() == "odata.maxpagesize" and value.strip().isdigit():
            return max(1, min(int(value), 1000))
    return default
