"""Faults injected into the Graph sandbox (how they work: sandbox/core/faults.py),
answered in Graph's error shape."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse

from sandbox.core import faults as shared
from sandbox.core.oauth import oauth_error
from sandbox.microsoft_graph import errors
from sandbox.microsoft_graph.models import GraphFault

Target = GraphFault.Target
Mode = GraphFault.Mode


def _server_error(target: str) -> HttpResponse:
    if target == Target.TOKEN:
        return oauth_error("server_error", 500)
    return errors.server_error()


def _throttled() -> HttpResponse:
    return errors.too_many_requests(str(settings.SANDBOX_GRAPH_RETRY_AFTER))


switch = shared.Faults(
    GraphFault, server_error=_server_error, outage=shared.gateway_outage, throttled=_throttled
)

set_fault = switch.set_fault
start_api_outage = switch.start_api_outage
start_api_errors = switch.start_api_errors
start_token_errors = switch.start_token_errors
slow_api = switch.slow_api
commit_then_fail = switch.commit_then_fail
flaky_api = switch.flaky_api
throttle_api = switch.throttle_api
clear_faults = switch.clear_faults
active_fault = switch.active_fault
plan = switch.plan
lost_answer = switch.lost_answer
