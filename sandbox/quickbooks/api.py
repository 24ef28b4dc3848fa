"""What every accounting API call goes through: faults, the Bearer token, the realm in
the path, the accounting scope, the throttles, the call record and the intuit_tid header.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from sandbox.core.crypto import digest
from sandbox.quickbooks import conf, errors, faults, ratelimits
from sandbox.quickbooks.models import QboApiCall, QboCompany, QboFault, QboToken
from sandbox.quickbooks.scopes import ACCOUNTING


@dataclass(frozen=True)
class Caller:
    token: QboToken
    company: QboCompany

    @property
    def client_id(self) -> str:
        return self.token.connection.client_id


Handler = Callable[[Caller], HttpResponse]


class Refused(Exception):
    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


def serve(request: HttpRequest, realm_id: str, operation: str, handler: Handler) -> HttpResponse:
    tid = uuid.uuid4().hex
    plan = faults.plan(QboFault.Target.API, request.method or "GET")
    if plan.instead is not None:
        # Made up in front of the service: not recorded, not counted.
        plan.instead["intuit_tid"] = tid
        return plan.instead
    token: QboToken | None = None
    try:
        token = authenticate(request.headers.get("Authorization", ""))
        caller = Caller(token, _company(token, realm_id))
        response = _within_limits(caller, operation) or handler(caller)
    except Refused as refusal:
        response = refusal.response
    if plan.lose_answer:
        # The call was carried out and committed; only its answer is lost.
        response = faults.lost_answer(QboFault.Target.API, plan)
    response["intuit_tid"] = tid
    _record(request, token, realm_id, operation, response, tid)
    return response


def authenticate(authorization: str) -> QboToken:
    scheme, _, raw = authorization.partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw:
        raise Refused(errors.unauthorized("Token invalid"))
    token = (
        QboToken.objects.select_related("connection__company")
        .filter(token_hash=digest(raw), kind=QboToken.Kind.ACCESS)
        .first()
    )
    if token is None or token.revoked_at is not None:
        raise Refused(errors.unauthorized("Token revoked or invalid"))
    if timezone.now() >= token.expires_at:
        raise Refused(errors.unauthorized(f"Token expired: {raw[:4]}..."))
    return token


def _company(token: QboToken, realm_id: str) -> QboCompany:
    company = token.connection.company
    if company.realm_id != realm_id:
        # One token set covers one realm. The exact code Intuit uses here is unconfirmed.
        raise Refused(errors.forbidden(f"The token is not authorized for realm {realm_id}"))
    if ACCOUNTING not in token.scope.split():
        raise Refused(errors.forbidden(f"The token lacks the {ACCOUNTING} scope"))
    return company


def _within_limits(caller: Caller, operation: str) -> HttpResponse | None:
    window = ratelimits.exceeded(caller.client_id, caller.company.realm_id, operation)
    if window is None:
        return None
    return errors.throttled(conf.seconds("RETRY_AFTER_SECONDS"))


def _record(
    request: HttpRequest,
    token: QboToken | None,
    realm_id: str,
    operation: str,
    response: HttpResponse,
    tid: str,
) -> None:
    QboApiCall.objects.create(
        token=token,
        client_id=token.connection.client_id if token else "",
        realm_id=realm_id[:32],
        method=request.method or "",
        path=request.get_full_path()[:500],
        operation=operation,
        status=response.status_code,
        intuit_tid=tid,
    )
