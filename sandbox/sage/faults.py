"""Faults injected into the Sage sandbox (how they work: sandbox/faults.py), answered in
Sage's error-array shape; Sage's 429s carry no Retry-After."""

from __future__ import annotations

from django.http import HttpResponse

from sandbox.core import faults as shared
from sandbox.core.faults import MAX_DELAY_SECONDS, Plan
from sandbox.core.oauth import oauth_error
from sandbox.sage import errors
from sandbox.sage.models import SageFault
from sandbox.sage.ratelimits import throttled

__all__ = ["MAX_DELAY_SECONDS", "Plan"]
Target = SageFault.Target
Mode = SageFault.Mode
FLAKY_RETRY_AFTER = 1


def _server_error(target: str) -> HttpResponse:
    if target == Target.TOKEN:
        return oauth_error("server_error", 500)
    return errors.server_error()


switch = shared.Faults(
    SageFault,
    server_error=_server_error,
    outage=shared.gateway_outage,
    throttled=lambda: throttled(FLAKY_RETRY_AFTER),
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
