"""What every accounting API call goes through (sandbox/core/gate.py): the Bearer token,
the business (X-Business), the subscription, the scope and the rate limit.

X-Business is optional at Sage and defaults to the user's lead business
(https://developer.sage.com/accounting/guides/authenticating/authentication); clients
should always send it. SANDBOX_SAGE_REQUIRE_BUSINESS_HEADER makes a missing header an
error so a client's tests can prove it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from sandbox.core.faults import WRITES
from sandbox.core.gate import ApiGate, Handler, Refused
from sandbox.sage import errors, faults, ratelimits, tokens
from sandbox.sage.models import SageApiCall, SageBusiness, SageToken

HEADER = "X-Business"


@dataclass(frozen=True)
class Caller:
    token: SageToken
    business: SageBusiness | None

    @property
    def books_business(self) -> SageBusiness:
        if self.business is None:
            raise LookupError("not a business-scoped call")
        return self.business

    @property
    def client_id(self) -> str:
        return self.token.grant.client_id


class SageGate(ApiGate[Caller]):
    call_model = SageApiCall

    def authenticate(self, request: HttpRequest) -> SageToken:
        token = tokens.live_access_token(request.headers.get("Authorization", ""))
        if token is None:
            raise Refused(errors.unauthenticated())
        return token

    def admit(self, request: HttpRequest, token: SageToken, **needs: Any) -> Caller:
        return Caller(token, _business(request, token) if needs["business_scoped"] else None)

    def check(self, request: HttpRequest, caller: Caller, **needs: Any) -> None:
        if caller.token.scope == "readonly" and request.method in WRITES:
            raise Refused(errors.forbidden("The access token was granted readonly access."))

    def within_limits(self, caller: Caller, handler: Handler[Caller], **needs: Any) -> HttpResponse:
        business = caller.business
        limited = ratelimits.over_limit(business.guid) if business is not None else None
        return limited or handler(caller)

    def where(self, caller: Caller | None, response: HttpResponse, **needs: Any) -> dict[str, Any]:
        business = caller.business if caller else None
        return {"business": business.guid if business else ""}


def _business(request: HttpRequest, token: SageToken) -> SageBusiness:
    wanted = request.headers.get(HEADER, "").strip()
    user = token.grant.user
    if not wanted and not settings.SANDBOX_SAGE_REQUIRE_BUSINESS_HEADER:
        business = user.lead_business
    else:
        business = user.businesses.filter(guid=wanted.lower()).first() if wanted else None
    if business is None:
        raise Refused(errors.forbidden("The user has no access to the business in X-Business."))
    if not business.subscription_active:
        raise Refused(errors.no_subscription())
    return business


_gate = SageGate(faults)


def serve(
    request: HttpRequest, handler: Handler[Caller], *, business_scoped: bool = True
) -> HttpResponse:
    return _gate.serve(request, handler, business_scoped=business_scoped)
