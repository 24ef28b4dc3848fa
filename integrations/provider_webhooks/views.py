"""The receivers: POST /settings/integrations/<provider>/webhook/.

No session and no CSRF token: the provider signs the raw body instead, and the signature
is checked over those exact bytes before anything is parsed. The answer is quick and
empty (Xero wants it within 5 seconds, Intuit within 3): the request only records the
notification and wakes connections; the sync runs later on a worker.
"""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from integrations.provider_webhooks import signatures, wakeups
from integrations.provider_webhooks.models import ProviderNotification
from integrations.provider_webhooks.notices import Notice
from integrations.provider_webhooks.sources import Source
from tenancy import bounded_json

logger = logging.getLogger(__name__)
Outcome = ProviderNotification.Outcome


@csrf_exempt  # signed by the provider; there is no session to forge
@require_POST
def receive(request: HttpRequest, source: Source) -> HttpResponse:
    try:
        body = request.body
    except RequestDataTooBig:
        return _refuse(request, source, "body too large", _declared_size(request))
    problem = _signature_problem(request, source, body)
    if problem:
        return _refuse(request, source, problem, len(body))
    try:
        notice = source.read(bounded_json.loads(body))
    except ValueError as unreadable:  # bad or too deep JSON, bad UTF-8, not the provider's shape
        _record(request, source, Outcome.UNREADABLE, len(body), reason=str(unreadable)[:200])
        return HttpResponse(status=400)
    return _accept(request, source, notice, len(body))


def _signature_problem(request: HttpRequest, source: Source, body: bytes) -> str:
    given = request.headers.get(source.header)
    if not source.key:
        return f"no key configured ({source.key_setting})"
    if not given:
        return f"no {source.header} header"
    return "" if signatures.verified(source.key, body, given) else "signature mismatch"


def _accept(request: HttpRequest, source: Source, notice: Notice, size: int) -> HttpResponse:
    if notice.is_empty:
        # Xero's intent-to-receive check: a correctly signed delivery with no events.
        outcome = Outcome.INTENT if source.handshake else Outcome.IGNORED
        _record(request, source, outcome, size, notice=notice)
        return HttpResponse(status=200)
    woken = wakeups.wake(source.slug, notice.remote_ids)
    outcome = Outcome.SCHEDULED if woken.connection_ids else Outcome.IGNORED
    _record(request, source, outcome, size, notice=notice, woken=woken)
    return HttpResponse(status=200)


def _refuse(request: HttpRequest, source: Source, reason: str, size: int) -> HttpResponse:
    logger.warning(
        "refused %s notification from %s: %s", source.slug, request.META.get("REMOTE_ADDR"), reason
    )
    _record(request, source, Outcome.REFUSED, size, reason=reason)
    return HttpResponse(status=401)


def _record(
    request: HttpRequest,
    source: Source,
    outcome: str,
    size: int,
    *,
    reason: str = "",
    notice: Notice | None = None,
    woken: wakeups.Woken | None = None,
) -> ProviderNotification:
    return ProviderNotification.objects.create(
        provider=source.slug,
        outcome=outcome,
        reason=reason,
        remote_addr=request.META.get("REMOTE_ADDR") or None,
        body_bytes=size,
        event_count=notice.event_count if notice else 0,
        sequence=notice.sequence if notice else "",
        remote_ids=sorted(notice.remote_ids) if notice else [],
        unknown_remote_ids=woken.unknown_remote_ids if woken else [],
        connection_ids=woken.connection_ids if woken else [],
    )


def _declared_size(request: HttpRequest) -> int:
    try:
        return max(0, int(request.headers.get("Content-Length") or 0))
    except ValueError:
        return 0
