"""Faults injected into the sandbox: outages, server errors, throttling, slow answers, lost
answers and a share of failing calls. Kept in the database so every process sees them;
each may end by itself at `until`.

- commit_then_fail: every write (POST) is carried out and committed, then its answer is
  lost: a 500, or with a delay, a hang of that long and a 504 from the gateway (a client
  with a shorter timeout sees a timeout). Intuit's own limit: requests over 120 s time out.
- flaky: `fail_ratio` of calls fail, a third each of 500s and 429s (nothing done) and lost
  answers (done, then a 504 after any delay). With a `seed` the n-th call since the fault
  was set always meets the same fate.
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

from sandbox.quickbooks import errors
from sandbox.quickbooks.models import QboFault

Target = QboFault.Target
Mode = QboFault.Mode

MAX_DELAY_SECONDS = 120.0  # Intuit: "requests over 120 seconds time out"
WRITES = frozenset({"POST", "PUT", "DELETE", "PATCH"})
GATEWAY_PAGE = (
    "<html><head><title>503 Service Unavailable</title></head>"
    "<body><h1>503 Service Unavailable</h1></body></html>"
)
TIMEOUT_PAGE = (
    "<html><head><title>504 Gateway Time-out</title></head>"
    "<body><h1>504 Gateway Time-out</h1></body></html>"
)


@dataclass(frozen=True)
class Plan:
    instead: HttpResponse | None = None
    lose_answer: bool = False
    delay_seconds: float = 0.0
    timeout: bool = False


PASS = Plan()


def set_fault(
    target: str,
    mode: str,
    *,
    delay_seconds: float = 0.0,
    minutes: float | None = None,
    fail_ratio: float = 0.0,
    seed: int | None = None,
) -> QboFault:
    now = timezone.now()
    fault, _ = QboFault.objects.update_or_create(
        target=target,
        defaults={
            "mode": mode,
            "delay_seconds": min(max(delay_seconds, 0.0), MAX_DELAY_SECONDS),
            "fail_ratio": min(max(fail_ratio, 0.0), 1.0),
            "seed": seed,
            "calls": 0,
            "failed": 0,
            "until": now + timedelta(minutes=minutes) if minutes is not None else None,
            "updated_at": now,
        },
    )
    return fault


def start_api_outage(minutes: float | None = None) -> QboFault:
    return set_fault(Target.API, Mode.OUTAGE, minutes=minutes)


def start_api_errors(minutes: float | None = None) -> QboFault:
    return set_fault(Target.API, Mode.ERROR_500, minutes=minutes)


def throttle_api(minutes: float | None = None) -> QboFault:
    return set_fault(Target.API, Mode.THROTTLED, minutes=minutes)


def slow_api(seconds: float, minutes: float | None = None) -> QboFault:
    return set_fault(Target.API, Mode.SLOW, delay_seconds=seconds, minutes=minutes)


def commit_then_fail(delay_seconds: float = 0.0, minutes: float | None = None) -> QboFault:
    return set_fault(
        Target.API, Mode.COMMIT_THEN_FAIL, delay_seconds=delay_seconds, minutes=minutes
    )


def flaky_api(
    ratio: float,
    seed: int | None = None,
    *,
    delay_seconds: float = 0.0,
    minutes: float | None = None,
) -> QboFault:
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


def start_token_outage(minutes: float | None = None) -> QboFault:
    return set_fault(Target.TOKEN, Mode.OUTAGE, minutes=minutes)


def start_token_errors(minutes: float | None = None) -> QboFault:
    return set_fault(Target.TOKEN, Mode.ERROR_500, minutes=minutes)


def injected_failures() -> int:
    """Calls the flaky mode has failed on purpose since it was set."""
    fault = QboFault.objects.filter(target=Target.API).first()
    return fault.failed if fault is not None else 0


def clear_faults() -> None:
    QboFault.objects.all().delete()


def active_fault(target: str) -> QboFault | None:
    fault = QboFault.objects.filter(target=target).first()
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
        time.sleep(fault.delay_seconds)  # deliberately blocking: the latency being emulated
        return PASS
    if fault.mode == Mode.OUTAGE:
        return Plan(instead=HttpResponse(GATEWAY_PAGE, status=503, content_type="text/html"))
    if fault.mode == Mode.THROTTLED:
        return Plan(instead=errors.throttled())
    return Plan(instead=server_error(target))


def lost_answer(target: str, plan: Plan) -> HttpResponse:
    if plan.delay_seconds <= 0 and not plan.timeout:
        return server_error(target)
    time.sleep(min(plan.delay_seconds, MAX_DELAY_SECONDS))
    return HttpResponse(TIMEOUT_PAGE, status=504, content_type="text/html")


def server_error(target: str) -> HttpResponse:
    if target == Target.TOKEN:
        return JsonResponse({"error": "server_error"}, status=500)
    return errors.system_fault()


def _flaky(fault: QboFault) -> Plan:
    chance = _chance(fault)
    if chance.random() >= fault.fail_ratio:
        return PASS
    fate = chance.choice(("error", "throttled", "lost"))
    QboFault.objects.filter(pk=fault.pk).update(failed=F("failed") + 1)
    if fate == "error":
        return Plan(instead=server_error(fault.target))
    if fate == "throttled":
        return Plan(instead=errors.throttled())
    return Plan(lose_answer=True, delay_seconds=fault.delay_seconds, timeout=True)


def _chance(fault: QboFault) -> random.Random:
    if fault.seed is None:
        return secrets.SystemRandom()
    # Not for security: a seeded generator per call makes a failing run repeatable.
    return random.Random(f"{fault.seed}:{_count(fault)}")  # noqa: S311


def _count(fault: QboFault) -> int:
    with transaction.atomic():
        row = QboFault.objects.select_for_update().get(pk=fault.pk)
        row.calls += 1
        row.save(update_fields=["calls"])
    return row.calls
