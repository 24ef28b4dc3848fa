"""Faults injected into the QuickBooks sandbox (how they work: sandbox/faults.py), answered
as Intuit's Fault bodies. Intuit: "requests over 120 seconds time out", the cap on a
slow answer here too."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse

from sandbox.core import faults as shared
from sandbox.core.faults import MAX_DELAY_SECONDS, Plan
from sandbox.quickbooks import errors
from sandbox.quickbooks.models import QboFault

__all__ = ["MAX_DELAY_SECONDS", "Plan"]
Target = QboFault.Target
Mode = QboFault.Mode
GATEWAY_PAGE = (
    "<html><head><title>503 Service Unavailable</title></head>"
    "<body><h1>503 Service Unavailable</h1></body></html>"
)


def server_error(target: str) -> HttpResponse:
    if target == Target.TOKEN:
        return JsonResponse({"error": "server_error"}, status=500)
    return errors.system_fault()


def _outage() -> HttpResponse:
    return HttpResponse(GATEWAY_PAGE, status=503, content_type="text/html")


switch = shared.Faults(
    QboFault, server_error=server_error, outage=_outage, throttled=errors.throttled
)


set_fault = switch.set_fault
start_token_outage = switch.start_token_outage
start_token_errors = switch.start_token_errors
start_api_outage = switch.start_api_outage
start_api_errors = switch.start_api_errors
slow_api = switch.slow_api
commit_then_fail = switch.commit_then_fail
flaky_api = switch.flaky_api
clear_faults = switch.clear_faults
injected_failures = switch.injected_failures
active_fault = switch.active_fault
plan = switch.plan
lost_answer = switch.lost_answer
throttle_api = switch.throttle_api
