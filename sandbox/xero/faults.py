"""Faults injected into the sandbox: outages, server errors and slow answers.

Stored in the database so every web process and test thread sees the same
fault; each may end by itself at `until` (timezone.now(), so time-machine moves it).
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from sandbox.xero.models import XeroFault
from sandbox.xero.problems import problem

Target = XeroFault.Target
Mode = XeroFault.Mode

# A slow endpoint holds a worker thread: cap it so a typo cannot hang the server.
MAX_DELAY_SECONDS = 120.0

GATEWAY_PAGE = (
    "<html><head><title>503 Service Temporarily Unavailable</title></head>"
    "<body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>"
)


def set_fault(
    target: str, mode: str, *, delay_seconds: float = 0.0, minutes: float | None = None
) -> XeroFault:
    """Put `target` into `mode`; with `minutes`, the fault ends by itself after that long."""
    now = timezone.now()
    until = now + timedelta(minutes=minutes) if minutes is not None else None
    fault, _ = XeroFault.objects.update_or_create(
        target=target,
        defaults={
            "mode": mode,
            "delay_seconds": min(max(delay_seconds, 0.0), MAX_DELAY_SECONDS),
            "until": until,
            "updated_at": now,
        },
    )
    return fault


def start_token_outage(minutes: float | None = None) -> XeroFault:
    return set_fault(Target.TOKEN, Mode.OUTAGE, minutes=minutes)


def start_token_errors(minutes: float | None = None) -> XeroFault:
    return set_fault(Target.TOKEN, Mode.ERROR_500, minutes=minutes)


def slow_token_endpoint(seconds: float, minutes: float | None = None) -> XeroFault:
    return set_fault(Target.TOKEN, Mode.SLOW, delay_seconds=seconds, minutes=minutes)


def start_api_outage(minutes: float | None = None) -> XeroFault:
    return set_fault(Target.API, Mode.OUTAGE, minutes=minutes)


def start_api_errors(minutes: float | None = None) -> XeroFault:
    return set_fault(Target.API, Mode.ERROR_500, minutes=minutes)


def slow_api(seconds: float, minutes: float | None = None) -> XeroFault:
    return set_fault(Target.API, Mode.SLOW, delay_seconds=seconds, minutes=minutes)


def clear_faults() -> None:
    XeroFault.objects.all().delete()


def active_fault(target: str) -> XeroFault | None:
    fault = XeroFault.objects.filter(target=target).first()
    return fault if fault is not None and fault.is_active() else None


def interruption(target: str) -> HttpResponse | None:
    """The response a fault replaces the real one with; None lets the request through.

    A slow fault delays, then lets the request through: a client that gives up
    meanwhile has lost a response the sandbox did act on (a rotated refresh token).
    """
    fault = active_fault(target)
    if fault is None:
        return None
    if fault.mode == Mode.SLOW:
        # Deliberately blocking: this is the latency being emulated.
        time.sleep(fault.delay_seconds)
        return None
    if fault.mode == Mode.OUTAGE:
        return _gateway_outage()
    return _server_error(target)


def _gateway_outage() -> HttpResponse:
    # What a load balancer in front of a down service answers: HTML, not JSON.
    response = HttpResponse(GATEWAY_PAGE, status=503, content_type="text/html")
    response["Retry-After"] = "30"
    return response


def _server_error(target: str) -> HttpResponse:
    if target == Target.TOKEN:
        return JsonResponse({"error": "server_error"}, status=500)
    return problem(500, "An error occurred", "An error occurred in Xero. Please try again.")
