"""Faults injected into the Sage sandbox: outages, server errors, slow answers, 429s,
lost answers and a share of failing calls.

Stored in the database so every web process and test thread sees the same fault; each
may end by itself at `until` (timezone.now(), so time-machine moves it).
- commit_then_fail: writes (POST, PUT, DELETE) are carried out, then the answer is lost:
  a 500, or with a delay, a hang of that long and a 504 from the gateway.
- flaky: `fail_ratio` of calls fail, a third each of 500s and 429s (nothing done) and
  lost answers (done, then a 504). With a `seed`, the n-th call since the fault was set
  always meets the same fate.
- throttled: every API call is a 429, as when another client spent the business's budget.
"""

from __future__ import annotations

import random
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

from sandbox.sage import errors
from sandbox.sage.models import SageFault
from sandbox.sage.ratelimits import throttled

Target = SageFault.Target
Mode = SageFault.Mode

# A slow endpoint holds a worker thread: cap it so a typo cannot hang the server.
MAX_DELAY_SECONDS = 120.0
WRITES = frozenset({"PUT", "POST", "DELETE", "PATCH"})
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
) -> SageFault:
    """Put `target` into `mode`; with `minutes`, the fault ends by itself after that long."""
    now = timezone.now()
    fault, _ = SageFault.objects.update_or_create(
        target=target,
        defaults={
            "mode": mode,
            "delay_seconds": min(max(delay_seconds, 0.0), MAX_DELAY_SECONDS),
            "fail_ratio": min(max(fail_ratio, 0.0), 1.0),
            "seed": seed,
            "calls": 0,
            "until": now + timedelta(minutes=minutes) if minutes is not None else None,
            "updated_at": now,
        },
    )
    return fault


def start_token_outage(minutes: float | None = None) -> SageFault:
    return set_fault(Target.TOKEN, Mode.OUTAGE, minutes=minutes)


def start_token_errors(minutes: float | None = None) -> SageFault:
    return set_fault(Target.TOKEN, Mode.ERROR_500, minutes=minutes)


def start_api_outage(minutes: float | None = None) -> SageFault:
    return set_fault(Target.API, Mode.OUTAGE, minutes=minutes)


def start_api_errors(minutes: float | None = None) -> SageFault:
    return set_fault(Target.API, Mode.ERROR_500, minutes=minutes)


def throttle_api(minutes: float | None = None) -> SageFault:
    return set_fault(Target.API, Mode.THROTTLED, minutes=minutes)


def slow_api(seconds: float, minutes: float | None = None) -> SageFault:
    return set_fault(Target.API, Mode.SLOW, delay_seconds=seconds, minutes=minutes)


def commit_then_fail(delay_seconds: float = 0.0, minutes: float | None = None) -> SageFault:
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
) -> SageFault:
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


def clear_faults() -> None:
    SageFault.objects.all().delete()


def active_fault(target: str) -> SageFault | None:
    fault = SageFault.objects.filter(target=target).first()
    return fault if fault is not None and fault.is_active() else None


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
    if fault.mode == Mode.THROTTLED:
        return Plan(instead=throttled(FLAKY_RETRY_AFTER))
    if fault.mode == Mode.OUTAGE:
        return Plan(instead=_gateway_outage())
    return Plan(instead=_server_error(target))


def lost_answer(target: str, plan: Plan) -> HttpResponse:
    """The answer a client gets for a call that was carried out: a 500, or a hang and a 504."""
    if plan.delay_seconds <= 0 and not plan.timeout:
        return _server_error(target)
    time.sleep(min(plan.delay_seconds, MAX_DELAY_SECONDS))
    return HttpResponse(TIMEOUT_PAGE, status=504, content_type="text/html")


def _flaky(fault: SageFault) -> Plan:
    chance = _chance(fault)
    if chance.random() >= fault.fail_ratio:
        return PASS
    fate = chance.choice(("error", "throttled", "lost"))
    if fate == "error":
        return Plan(instead=_server_error(fault.target))
    if fate == "throttled":
        return Plan(instead=throttled(FLAKY_RETRY_AFTER))
    return Plan(lose_answer=True, delay_seconds=fault.delay_seconds, timeout=True)


def _chance(fault: SageFault) -> random.Random:
    if fault.seed is None:
        return secrets.SystemRandom()
    # Not for security: a seeded generator per call makes a failing run repeatable.
    return random.Random(f"{fault.seed}:{_count(fault)}")  # noqa: S311


def _count(fault: SageFault) -> int:
    """This call's number since the fault was set, counted in the database."""
    with transaction.atomic():
        row = SageFault.objects.select_for_update().get(pk=fault.pk)
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
        return errors.oauth_error("server_error", 500)
    return errors.server_error()
