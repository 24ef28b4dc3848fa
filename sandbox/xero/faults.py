"""Faults injected into the Xero sandbox (how they work: sandbox/faults.py). Xero's errors
are RFC 7807-style problems; a flaky 429 names the minute limit."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse

from sandbox.core import faults as shared
from sandbox.core.faults import MAX_DELAY_SECONDS, Plan
from sandbox.xero.models import XeroFault
from sandbox.xero.problems import problem
from sandbox.xero.ratelimits import throttled

__all__ = ["MAX_DELAY_SECONDS", "Plan"]
Target = XeroFault.Target
Mode = XeroFault.Mode
# A flaky 429 asks for a short wait: the fault is about handling it, not about waiting.
FLAKY_RETRY_AFTER = 1


def _server_error(target: str) -> HttpResponse:
    if target == Target.TOKEN:
        return JsonResponse({"error": "server_error"}, status=500)
    return problem(500, "An error occurred", "An error occurred in Xero. Please try again.")


switch = shared.Faults(
    XeroFault,
    server_error=_server_error,
    outage=shared.gateway_outage,
    throttled=lambda: throttled("minute", FLAKY_RETRY_AFTER),
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
slow_token_endpoint = switch.slow_token_endpoint
interruption = switch.interruption
