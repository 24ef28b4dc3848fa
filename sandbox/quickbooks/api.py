"""What every accounting API call goes through (sandbox/core/gate.py): the Bearer token,
the realm in the path, the accounting scope, the throttles, and the intuit_tid header on
every answer (recorded with the call).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from sandbox.core.crypto import digest
from sandbox.core.gate import ApiGate, Handler, Refused
from sandbox.quickbooks import conf, errors, faults, ratelimits
from sandbox.quickbooks.models import QboApiCall, QboCompany, QboToken
from sandbox.quickbooks.scopes import ACCOUNTING


@dataclass(frozen=True)
class Caller:
    token: QboToken
    company: QboCompany

    @property
    def client_id(self) -> str:
        return self.token.connection.client_id


class IntuitGate(ApiGate[Caller]):
    call_model = QboApiCall
    full_path = True

    def authenticate(self, request: HttpRequest) -> QboToken:
        scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
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

    def admit(self, request: HttpRequest, token: QboToken, **needs: Any) -> Caller:
        company = token.connection.company
        realm_id = needs["realm_id"]
        if company.realm_id != realm_id:
            # One token set covers one realm. The exact code Intuit uses here is unconfirmed.
            raise Refused(errors.forbidden(f"The token is not authorized for realm {realm_id}"))
        if ACCOUNTING not in token.scope.split():
            raise Refused(errors.forbidden(f"The token lacks the {ACCOUNTING} scope"))
        return Caller(token, company)

    def within_limits(self, caller: Caller, handler: Handler[Caller], **needs: Any) -> HttpResponse:
        window = ratelimits.exceeded(caller.client_id, caller.company.realm_id, needs["operation"])
        if window is None:
            return handler(caller)
        return errors.throttled(conf.seconds("RETRY_AFTER_SECONDS"))

    def where(self, caller: Caller | None, response: HttpResponse, **needs: Any) -> dict[str, Any]:
        realm_id, operation = needs["realm_id"][:32], needs["operation"]
        return {"realm_id": realm_id, "operation": operation, "intuit_tid": response["intuit_tid"]}

    def finish(self, response: HttpResponse) -> HttpResponse:
        response["intuit_tid"] = uuid.uuid4().hex
        return response


_gate = IntuitGate(faults)


def serve(
    request: HttpRequest, realm_id: str, operation: str, handler: Handler[Caller]
) -> HttpResponse:
    return _gate.serve(request, handler, realm_id=realm_id, operation=operation)
