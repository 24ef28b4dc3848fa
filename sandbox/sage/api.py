"""What every accounting API call goes through: faults, the Bearer token, the business
(X-Business), the subscription, the scope, the rate limit and the call record.

X-Business is optional at Sage and defaults to the user's lead business
(https://developer.sage.com/accounting/guides/authenticating/authentication); clients
should always send it. SANDBOX_SAGE_REQUIRE_BUSINESS_HEADER makes a missing header an
error so a client's tests can prove it does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from sandbox.sage import errors, faults, ratelimits, tokens
from sandbox.sage.models import SageApiCall, SageBusiness, SageFault, SageToken

HEADER = "X-Business"
WRITES = frozenset({"POST", "PUT", "DELETE", "PATCH"})


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


Handler = Callable[[Caller], HttpResponse]


class Refused(Exception):
    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


def serve(request: HttpRequest, handler: Handler, *, business_scoped: bool = True) -> HttpResponse:
    plan = faults.plan(SageFault.Target.API, request.method or "GET")
    if plan.instead is not None:
        return plan.instead  # made up before the call reaches Sage: not recorded
    token: SageToken | None = None
    business: SageBusiness | None = None
    try:
        token = _token(request)
        business = _business(request, token) if business_scoped else None
        _check_scope(request, token)
        limited = ratelimits.over_limit(business.guid) if business is not None else None
        response = limited or handler(Caller(token, business))
    except Refused as refusal:
        response = refusal.response
    if plan.lose_answer:
        # The call was carried out and committed; only its answer is lost.
        response = faults.lost_answer(SageFault.Target.API, plan)
    _record(request, token, business, response)
    return response


def _token(request: HttpRequest) -> SageToken:
    token = tokens.live_access_token(request.headers.get("Authorization", ""))
    if token is None:
        raise Refused(errors.unauthenticated())
    return token


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


def _check_scope(request: HttpRequest, token: SageToken) -> None:
    if token.scope == "readonly" and request.method in WRITES:
        raise Refused(errors.forbidden("The access token was granted readonly access."))


def _record(
    request: HttpRequest,
    token: SageToken | None,
    business: SageBusiness | None,
    response: HttpResponse,
) -> None:
    SageApiCall.objects.create(
        token=token,
        client_id=token.grant.client_id if token else "",
        business=business.guid if business else "",
        method=request.method or "",
        path=request.path[:500],
        status=response.status_code,
    )
