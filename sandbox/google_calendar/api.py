"""What every Calendar API call passes (sandbox/core/gate.py): the Bearer token, the
scope the method needs, and the per-user limit (600 calls a minute per user per
project, answered 403 userRateLimitExceeded). https://developers.google.com/workspace/calendar/api/guides/quota
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse

from sandbox.core.gate import ApiGate, Handler, Refused
from sandbox.core.ratelimits import Window
from sandbox.google_calendar import errors, faults, tokens
from sandbox.google_calendar.identity import AUTH
from sandbox.google_calendar.models import GoogleApiCall, GoogleToken, GoogleUser

# What each kind of call needs: any one of the scopes listed.
NEEDS = {
    "list": (
        f"{AUTH}calendar",
        f"{AUTH}calendar.readonly",
        f"{AUTH}calendar.calendarlist.readonly",
    ),
    "calendars": (f"{AUTH}calendar", f"{AUTH}calendar.app.created"),
    "events": (f"{AUTH}calendar", f"{AUTH}calendar.events", f"{AUTH}calendar.app.created"),
}


@dataclass(frozen=True)
class Caller:
    token: GoogleToken

    @property
    def user(self) -> GoogleUser:
        return self.token.grant.user

    @property
    def client_id(self) -> str:
        return self.token.grant.client_id

    def has(self, scope: str) -> bool:
        return f"{AUTH}{scope}" in self.token.grant.scope.split()


class GoogleGate(ApiGate[Caller]):
    call_model = GoogleApiCall
    full_path = True

    def authenticate(self, request: HttpRequest) -> GoogleToken:
        token = tokens.live_access_token(request.headers.get("Authorization", ""))
        if token is None:
            raise Refused(errors.unauthenticated())
        return token

    def admit(self, request: HttpRequest, token: GoogleToken, **needs: Any) -> Caller:
        return Caller(token)

    def check(self, request: HttpRequest, caller: Caller, **needs: Any) -> None:
        granted = set(caller.token.grant.scope.split())
        if not granted.intersection(NEEDS[needs["kind"]]):
            raise Refused(errors.insufficient_scope())

    def within_limits(self, caller: Caller, handler: Handler[Caller], **needs: Any) -> HttpResponse:
        limit = int(settings.SANDBOX_GOOGLE_CALENDAR_USER_MINUTE_LIMIT)
        counted = Q(user_email=caller.user.email) & ~Q(status=403)
        window = Window("user-minute", limit, timedelta(minutes=1), counted, GoogleApiCall)
        if window.exhausted():
            return errors.rate_limited(403, "userRateLimitExceeded")
        return handler(caller)

    def where(self, caller: Caller | None, response: HttpResponse, **needs: Any) -> dict[str, Any]:
        return {"user_email": caller.user.email if caller else ""}


_gate = GoogleGate(faults)


def serve(request: HttpRequest, handler: Handler[Caller], kind: str) -> HttpResponse:
    return _gate.serve(request, handler, kind=kind)
