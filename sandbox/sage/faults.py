"""Faults injected into the Sage sandbox (how they work: sandbox/faults.py), answered in
Sage's error-array shape; Sage's 429s carry no Retry-After."""

from __future__ import annotations

from django.http import HttpResponse

from sandbox import faults as shared
from sandbox.faults import MAX_DELAY_SECONDS, Plan
from sandbox.sage import errors
from sandbox.sage.models import SageFault
from sandbox.sage.ratelimits import throttled

__all__ = ["MAX_DELAY_SECONDS", "Plan"]
Target = SageFault.Target
Mode = SageFault.Mode
FLAKY_RETRY_AFTER = 1


def _server_error(target: str) -> HttpResponse:
    if target == Target.TOKEN:
        return errors.oauth_error("server_error", 500)
    return errors.server_error()


_faults = shared.Faults(
    SageFault,
    server_error=_server_error,
    outage=shared.gateway_outage,
    throttled=lambda: throttled(FLAKY_RETRY_AFTER),
)
set_fault = _faults.set_fault
start_token_outage = _faults.start_token_outage
start_token_errors = _faults.start_token_errors
start_api_outage = _faults.start_api_outage
start_api_errors = _faults.start_api_errors
slow_api = _faults.slow_api
commit_then_fail = _faults.commit_then_fail
flaky_api = _faults.flaky_api
clear_faults = _faults.clear_faults
injected_failures = _faults.injected_failures
active_fault = _faults.active_fault
plan = _faults.plan
lost_answer = _faults.lost_answer
throttle_api = _faults.throttle_api
