"""Faults injected into the Google Calendar sandbox (how they work: sandbox/core/faults.py),
answered in Google's error shape."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse

from sandbox.core import faults as shared
from sandbox.core.oauth import oauth_error
from sandbox.google_calendar import errors
from sandbox.google_calendar.models import GoogleFault

Target = GoogleFault.Target
Mode = GoogleFault.Mode


def _server_error(target: str) -> HttpResponse:
    if target == Target.TOKEN:
        return oauth_error("internal_failure", 500)
    return errors.backend_error()


def throttled() -> HttpResponse:
    """A 429 rateLimitExceeded. Whether Google sends Retry-After on Calendar is
    unconfirmed, so it is sent only when SANDBOX_GOOGLE_CALENDAR_RETRY_AFTER is set."""
    response = errors.rate_limited(429, "rateLimitExceeded")
    seconds = int(settings.SANDBOX_GOOGLE_CALENDAR_RETRY_AFTER)
    if seconds > 0:
        response["Retry-After"] = str(seconds)
    return response


switch = shared.Faults(
    GoogleFault, server_error=_server_error, outage=shared.gateway_outage, throttled=throttled
)

plan = switch.plan
lost_answer = switch.lost_answer
set_fault = switch.set_fault
flaky_api = switch.flaky_api
throttle_api = switch.throttle_api
clear_faults = switch.clear_faults
commit_then_fail = switch.commit_then_fail
