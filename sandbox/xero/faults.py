"""Faults injected into the sandbox: outages, server errors, slow answers, lost answers
and a share of failing calls.

Stored in the database so every web process and test thread sees the same fault; each
may end by itself at `until` (timezone.now(), so time-machine moves it).

Two modes exist so clients can prove their retries are idempotent:
- commit_then_fail: every write (PUT, POST, DELETE) is carried out, then its answer
  is lost: a 500, or with a delay, a hang of that long and a 504 from the gateway
  (a client whose timeout is shorter sees a timeout).
- flaky: `fail_ratio` of all calls fail, a mix of 500s and 429s (nothing done) and
  lost answers (done, then a 504 gateway timeout after any delay). With a `seed`,
  the n-th call since the fault was set always meets the same fate.
"""

from __future__ import annotations

import random
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from sandbox.xero.models import XeroFault
from sandbox.xero.problems import problem
from sandbox.xero.ratelimits import throttled

Target = XeroFault.Target
Mode = XeroFault.Mode

# A slow endpoint holds a worker thread: cap it so a typo cannot hang the server.
MAX_DELAY_SECONDS = 120.0
WRITES = frozenset({"PUT", "POST", "DELETE", "PATCH"})
# A flaky 429 asks for a short wait: the fault is about handling it, not about waiting.
FLAKY_RETRY_AFTER = 1

GATEWAY_PAGE = (
    "<html><head><title>503 Service Temporarily Unavailable</title></head>"
    "<body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>"
)
TIMEOUT_PAGE = (
    "<html><head><title>504 Gateway Time-out</title></head>"
    "<body><center><h1>504 Gateway Time-out</h1></center></body></html>"
)


@dataclass(frozen=True)
class Plan:
    """What a fault does to one call: answer instead of the service, or lose its answer."""

    instead: HttpResponse | None = None
    lose_answer: bool = False
    delay_seconds: float = 0.0
    timeout: bool = False  # the lost answer is a gateway timeout (504), not a 500


PASS = Plan()


def set_fault(
    target: str,
    mode: str,
    *,
    delay_seconds: float = 0.0,
    minutes: float | None = None,
    fail_ratio: float = 0.0,
    seed: int | None = None,
) -> XeroFault:
    """Put `target` into `mode`; with `minutes`, the fault ends by itself after that long."""
    now = timezone.now()
    until = now + timedelta(minutes=minutes) if minutes is not None else None
    fault, _ = XeroFault.objects.update_or_create(
        target=target,
        defaults={
            "mode": mode,
            "delay_seconds": min(max(delay_seconds, 0.0), MAX_DELAY_SECONDS),
            "fail_ratio": min(max(fail_ratio, 0.0), 1.0),
            "seed": seed,
            "calls": 0,
            "failed": 0,
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


def commit_then_fail(delay_seconds: float = 0.0, minutes: float | None = None) -> XeroFault:
    """API writes are carried out, then answered with a 500 (or, with a delay, a 504)."""
    return set_fault(
        Target.API, Mode.COMMIT_THEN_FAIL, delay_seconds=delay_seconds, minutes=minutes
    )


def flaky_api(
    ratio: float,
    seed: int | None = None,
    *,
    delay_seconds: float = 0.0,
    minutes: float | None = None,
) -> XeroFault:
    """`ratio` of API calls fail: 500s, 429s and lost answers, mixed; repeatable with `seed`."""
    if ratio <= 0:
        return set_fault(Target.API, Mode.OK)
    return set_fault(
        Target.API,
        Mode.FLAKY,
        delay_seconds=delay_seconds,
        minutes=minutes,
        fail_ratio=ratio,
        seed=seed,
    )


def injected_failures() -> int:
    """Calls the flaky mode has failed on purpose since it was set."""
    fault = XeroFault.objects.filter(target=Target.API).first()
    return fault.failed if fault is not None else 0


def clear_faults() -> None:
    XeroFault.objects.all().delete()


def active_fault(target: str) -> XeroFault | None:
    fault = XeroFault.objects.filter(target=target).first()
    return fault if fault is not None and fault.is_active() else None


def interruption(target: str) -> HttpResponse | None:
    """The response a fault puts in place of the service's; None lets the request through.

    A slow fault delays, then lets the request through: a client that gives up
    meanwhile has lost a response the sandbox did act on (a rotated refresh token).
    """
    return plan(target, "POST").instead


def plan(target: str, method: str) -> Plan:
    fault = active_fault(target)
    if fault is None:
        return PASS
    if fault.mode == Mode.FLAKY:
        return _flaky(fault)
    if fault.mode == Mode.COMMIT_THEN_FAIL:
        return Plan(lose_answer=method in WRITES, delay_seconds=fault.delay_seconds)
    if fault.mode == Mode.SLOW:
        # Deliberately blocking: this is the latency being emulated.
        time.sleep(fault.delay_seconds)
        return PASS
    if fault.mode == Mode.OUTAGE:
        return Plan(instead=_gateway_outage())
    return Plan(instead=_server_error(target))


def lost_answer(target: str, plan: Plan) -> HttpResponse:
    """The answer a client gets for a call that was carried out: a 500, or a hang and a 504."""
    delay_seconds = plan.delay_seconds
    if delay_seconds <= 0 and not plan.timeout:
        return _server_error(target)
    time.sleep(min(delay_seconds, MAX_DELAY_SECONDS))
    return HttpResponse(TIMEOUT_PAGE, status=504, content_type="text/html")


def _flaky(fault: XeroFault) -> Plan:
    chance = _chance(fault)
    if chance.random() >= fault.fail_ratio:
        return PASS
    fate = chance.choice(("error", "throttled", "lost"))
    XeroFault.objects.filter(pk=fault.pk).update(failed=F("failed") + 1)
    if fate == "error":
        return Plan(instead=_server_error(fault.target))
    if fate == "throttled":
        return Plan(instead=throttled("minute", FLAKY_RETRY_AFTER))
    return Plan(lose_answer=True, delay_seconds=fault.delay_seconds, timeout=True)


def _chance(fault: XeroFault) -> random.Random:
    if fault.seed is None:
        return secrets.SystemRandom()
    # Not for security: a seeded generator per call makes a failing run repeatable.
    return random.Random(f"{fault.seed}:{_count(fault)}")  # noqa: S311


def _count(fault: XeroFault) -> int:
    """This call's number since the fault was set, counted in the database."""
    with transaction.atomic():
        row = XeroFault.objects.select_for_update().get(pk=fault.pk)
        row.calls += 1
        row.save(update_fields=["calls"])
    return row.calls


def _gateway_outage() -> HttpResponse:
    # What a load balancer in front of a down service answers: HTML, not JSON.
    response = HttpResponse(GATEWAY_PAGE, status=503, content_type="text/html")
    response["Retry-After"] = "30"
    return response


def _server_error(target: str) -> HttpResponse:
    if target == Target.TOKEN:
        return JsonResponse({"error": "server_error"}, status=500)
    return problem(500, "An error occurred", "An error occurred in Xero. Please try again.")
