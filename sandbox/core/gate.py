"""What every emulated API call passes, in this order: the faults (an answer made up in
front of the service is neither recorded nor counted), the Bearer token, the provider's
own admission (tenant, scopes, subscription), its rate limits, the work itself, a lost
answer (the work was done and committed, only the answer is lost), and the call record
the rate limits and tests count.

A provider subclasses `ApiGate` with its Caller (what a call is made as) and declares how
its tokens are checked, what admits a call and what a call record holds.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any, Generic, TypeVar

from django.http import HttpRequest, HttpResponse

from sandbox.core.faults import API, Plan
from sandbox.core.models import ApiCall

C = TypeVar("C")
Handler = Callable[[C], HttpResponse]


class Refused(Exception):
    """A call the gate answers itself (401, 403, 429...)."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


class ApiGate(Generic[C]):
    call_model: type[ApiCall]
    full_path = False  # record the query string too

    def __init__(self, faults: ModuleType) -> None:
        # The provider's faults module, read per call: a test may wrap its `plan`.
        self.faults = faults

    def authenticate(self, request: HttpRequest) -> Any:
        """The live access token the call carries, else Refused."""
        raise NotImplementedError

    def admit(self, request: HttpRequest, token: Any, **needs: Any) -> C:
        """Who the call is made as, if the token may make it, else Refused."""
        raise NotImplementedError

    def check(self, request: HttpRequest, caller: C, **needs: Any) -> None:
        """Refuse a call its caller may not make (a scope not granted), once the call
        is known to be theirs: it is recorded against them."""

    def within_limits(self, caller: C, handler: Handler[C], **needs: Any) -> HttpResponse:
        """The handler's answer, unless a rate limit answers instead."""
        return handler(caller)

    def where(self, caller: C | None, response: HttpResponse, **needs: Any) -> dict[str, Any]:
        """The call record's own columns (tenant, business, realm...)."""
        return {}

    def finish(self, response: HttpResponse) -> HttpResponse:
        """Every answer on its way out, made up or not (a provider's trace header)."""
        return response

    def serve(self, request: HttpRequest, handler: Handler[C], **needs: Any) -> HttpResponse:
        plan: Plan = self.faults.plan(API, request.method or "GET")
        if plan.instead is not None:
            return self.finish(plan.instead)
        token: Any = None
        caller: C | None = None
        try:
            token = self.authenticate(request)
            caller = self.admit(request, token, **needs)
            self.check(request, caller, **needs)
            response = self.within_limits(caller, handler, **needs)
        except Refused as refusal:
            response = refusal.response
        if plan.lose_answer:
            response = self.faults.lost_answer(API, plan)
        response = self.finish(response)
        self.record(request, token, caller, response, **needs)
        return response

    def record(
        self,
        request: HttpRequest,
        token: Any,
        caller: C | None,
        response: HttpResponse,
        **needs: Any,
    ) -> None:
        path = request.get_full_path() if self.full_path else request.path
        self.call_model._default_manager.create(
            client_id=token.grant.client_id if token else "",
            method=request.method or "",
            path=path[:500],
            status=response.status_code,
            **{"token": token} | self.where(caller, response, **needs),
        )
