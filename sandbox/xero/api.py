"""What every connections or accounting API call goes through (sandbox/core/gate.py):
the Bearer token, the xero-tenant-id header (403 when missing or not connected), the
endpoint's scopes (401 AuthorizationUnsuccessful), the rate limits and their headers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse

from sandbox.core.gate import ApiGate, Handler, Refused
from sandbox.xero import faults, problems, ratelimits, tokens
from sandbox.xero.models import XeroApiCall, XeroOrganisation, XeroToken


@dataclass(frozen=True)
class Caller:
    token: XeroToken
    organisation: XeroOrganisation | None

    @property
    def tenant(self) -> XeroOrganisation:
        if self.organisation is None:
            raise LookupError("not a tenant-scoped call")
        return self.organisation


class XeroGate(ApiGate[Caller]):
    call_model = XeroApiCall

    def authenticate(self, request: HttpRequest) -> XeroToken:
        try:
            return tokens.authenticate(request.headers.get("Authorization", ""))
        except tokens.Unauthenticated as error:
            raise Refused(problems.unauthorized(error.detail)) from error

    def admit(self, request: HttpRequest, token: XeroToken, **needs: Any) -> Caller:
        organisation = _organisation(request, token) if needs["tenant_scoped"] else None
        return Caller(token, organisation)

    def check(self, request: HttpRequest, caller: Caller, **needs: Any) -> None:
        wanted: frozenset[str] = needs["scopes"]
        if wanted and not wanted.intersection(caller.token.scopes):
            raise Refused(problems.unauthorized(problems.AUTHORIZATION_UNSUCCESSFUL))

    def within_limits(self, caller: Caller, handler: Handler[Caller], **needs: Any) -> HttpResponse:
        tenant_id = caller.organisation.tenant_id if caller.organisation else None
        usages = ratelimits.usage(caller.token.grant.client_id, tenant_id)
        return ratelimits.add_headers(ratelimits.too_many(usages) or handler(caller), usages)

    def where(self, caller: Caller | None, response: HttpResponse, **needs: Any) -> dict[str, Any]:
        organisation = caller.organisation if caller else None
        return {"tenant_id": organisation.tenant_id if organisation else None}


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


_gate = XeroGate(faults)


def serve(
    request: HttpRequest,
    handler: Handler[Caller],
    *,
    tenant_scoped: bool,
    scopes: frozenset[str] = frozenset(),
) -> HttpResponse:
    return _gate.serve(request, handler, tenant_scoped=tenant_scoped, scopes=scopes)
