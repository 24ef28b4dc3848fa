"""What every connections or accounting API call goes through: faults, the
Bearer token, the tenant header, scopes, rate limits and the call record."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

from sandbox.xero import faults, problems, ratelimits, tokens
from sandbox.xero.models import XeroApiCall, XeroFault, XeroOrganisation, XeroToken


@dataclass(frozen=True)
class Caller:
    token: XeroToken
    organisation: XeroOrganisation | None

    @property
    def tenant(self) -> XeroOrganisation:
        if self.organisation is None:
            raise LookupError("not a tenant-scoped call")
        return self.organisation


Handler = Callable[[Caller], HttpResponse]


class Refused(Exception):
    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


def serve(
    request: HttpRequest,
    handler: Handler,
    *,
    tenant_scoped: bool,
    scopes: frozenset[str] = frozenset(),
) -> HttpResponse:
    plan = faults.plan(XeroFault.Target.API, request.method or "GET")
    if plan.instead is not None:
        return plan.instead
    token: XeroToken | None = None
    organisation: XeroOrganisation | None = None
    try:
        token = _token(request)
        organisation = _organisation(request, token) if tenant_scoped else None
        _check_scopes(token, scopes)
        response = _within_limits(Caller(token, organisation), handler)
    except Refused as refusal:
        response = refusal.response
    if plan.lose_answer:
        # The call was carried out (and committed); only its answer is lost.
        response = faults.lost_answer(XeroFault.Target.API, plan)
    _record(request, token, organisation, response)
    return response


def _token(request: HttpRequest) -> XeroToken:
    try:
        return tokens.authenticate(request.headers.get("Authorization", ""))
    except tokens.Unauthenticated as error:
        raise Refused(problems.unauthorized(error.detail)) from error


def _organisation(request: HttpRequest, token: XeroToken) -> XeroOrganisation:
    """The tenant named by xero-tenant-id, if this grant has it connected."""
    try:
        tenant_id = uuid.UUID(request.headers.get("xero-tenant-id", ""))
    except ValueError as error:
        raise Refused(problems.forbidden()) from error
    organisation = XeroOrganisation.objects.filter(
        tenant_id=tenant_id, connections__grant=token.grant
    ).first()
    if organisation is None:
        raise Refused(problems.forbidden())
    return organisation


def _check_scopes(token: XeroToken, needed: frozenset[str]) -> None:
    if needed and not needed.intersection(token.scopes):
        raise Refused(problems.unauthorized(problems.AUTHORIZATION_UNSUCCESSFUL))


def _within_limits(caller: Caller, handler: Handler) -> HttpResponse:
    tenant_id = caller.organisation.tenant_id if caller.organisation else None
    usages = ratelimits.usage(caller.token.grant.client_id, tenant_id)
    response = ratelimits.too_many(usages) or handler(caller)
    return ratelimits.add_headers(response, usages)


def _record(
    request: HttpRequest,
    token: XeroToken | None,
    organisation: XeroOrganisation | None,
    response: HttpResponse,
) -> None:
    XeroApiCall.objects.create(
        token=token,
        client_id=token.grant.client_id if token else "",
        tenant_id=organisation.tenant_id if organisation else None,
        method=request.method or "",
        path=request.path[:500],
        status=response.status_code,
    )
