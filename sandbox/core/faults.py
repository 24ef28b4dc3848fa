"""Faults a test or the bookkeeper console injects into a provider sandbox: outages,
server errors, 429s, slow answers, lost answers and a share of failing calls.

Each sandbox keeps its faults in a model of its own (sandbox.core.models.Fault; one row
per target, the token endpoint or the API), in the database so every web process and
test thread sees the same fault; a fault may end by itself at `until` (timezone.now(),
so time-machine moves it). What differs between providers is only how their errors
look, so each sandbox makes a `Faults` with its own responses:

- commit_then_fail: writes are carried out, then their answer is lost: a 500, or with a
  delay, a hang of that long and a 504 from the gateway (a client whose timeout is
  shorter sees a timeout).
- flaky: `fail_ratio` of calls fail, a third each of 500s and 429s (nothing done) and
  lost answers (done, then a 504 after any delay). With a `seed`, the n-th call since
  the fault was set always meets the same fate.
- throttled: every API call is a 429, as when another client spent the company's budget.
"""

from __future__ import annotations

import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar, cast

from django import forms
from django.db import models, transaction
from django.db.models import F
from django.http import HttpResponse
from django.utils import timezone

# A slow endpoint holds a worker thread: cap it so a typo cannot hang the server.
MAX_DELAY_SECONDS = 120.0
WRITES = frozenset({"PUT", "POST", "DELETE", "PATCH"})
GATEWAY_PAGE = (
    "<html><head><title>503 Service Temporarily Unavailable</title></head>"
    "<body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>"
)
TIMEOUT_PAGE = (
    "<html><head><title>504 Gateway Time-out</title></head>"
    "<body><center><h1>504 Gateway Time-out</h1></center></body></html>"
)
# The modes every sandbox's fault model offers (its Mode choices use these values).
OK, OUTAGE, ERROR_500, THROTTLED, SLOW = "ok", "outage", "error_500", "throttled", "slow"
COMMIT_THEN_FAIL, FLAKY = "commit_then_fail", "flaky"
TOKEN, API = "token", "api"


class FaultRow(Protocol):
    pk: Any
    target: str
    mode: str
    delay_seconds: float
    fail_ratio: float
    seed: int | None
    calls: int
    failed: int
    until: datetime | None


M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Plan:
    """What a fault does to one call: answer instead of the service, or lose its answer."""

    instead: HttpResponse | None = None
    lose_answer: bool = False
    delay_seconds: float = 0.0
    timeout: bool = False  # the lost answer is a gateway timeout (504), not a 500


PASS = Plan()


class Faults(Generic[M]):
    def __init__(
        self,
        model: type[M],
        *,
        server_error: Callable[[str], HttpResponse],
        outage: Callable[[], HttpResponse],
        throttled: Callable[[], HttpResponse],
    ) -> None:
        self.model = model
        self.server_error = server_error
        self.outage = outage
        self.throttled = throttled

    # --- setting faults -------------------------------------------------------------------

    def set_fault(
        self,
        target: str,
        mode: str,
        *,
        delay_seconds: float = 0.0,
        minutes: float | None = None,
        fail_ratio: float = 0.0,
        seed: int | None = None,
    ) -> M:
        """Put `target` into `mode`; with `minutes`, it ends by itself after that long."""
        now = timezone.now()
        fault, _ = self.model._default_manager.update_or_create(
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

    def start_token_outage(self, minutes: float | None = None) -> M:
        return self.set_fault(TOKEN, OUTAGE, minutes=minutes)

    def start_token_errors(self, minutes: float | None = None) -> M:
        return self.set_fault(TOKEN, ERROR_500, minutes=minutes)

    def slow_token_endpoint(self, seconds: float, minutes: float | None = None) -> M:
        return self.set_fault(TOKEN, SLOW, delay_seconds=seconds, minutes=minutes)

    def start_api_outage(self, minutes: float | None = None) -> M:
        return self.set_fault(API, OUTAGE, minutes=minutes)

    def start_api_errors(self, minutes: float | None = None) -> M:
        return self.set_fault(API, ERROR_500, minutes=minutes)

    def throttle_api(self, minutes: float | None = None) -> M:
        return self.set_fault(API, THROTTLED, minutes=minutes)

    def slow_api(self, seconds: float, minutes: float | None = None) -> M:
        return self.set_fault(API, SLOW, delay_seconds=seconds, minutes=minutes)

    def commit_then_fail(self, delay_seconds: float = 0.0, minutes: float | None = None) -> M:
        """API writes are carried out, then answered with a 500 (or, with a delay, a 504)."""
        return self.set_fault(API, COMMIT_THEN_FAIL, delay_seconds=delay_seconds, minutes=minutes)

    def flaky_api(
        self,
        ratio: float,
        seed: int | None = None,
        *,
        delay_seconds: float = 0.0,
        minutes: float | None = None,
    ) -> M:
        """`ratio` of API calls fail: 500s, 429s and lost answers, mixed; repeatable with
        `seed`."""
        if ratio <= 0:
            return self.set_fault(API, OK)
        return self.set_fault(
            API, FLAKY, delay_seconds=delay_seconds, minutes=minutes, fail_ratio=ratio, seed=seed
        )

    def clear_faults(self) -> None:
        self.model._default_manager.all().delete()

    def injected_failures(self) -> int:
        """Calls the flaky mode has failed on purpose since it was set."""
        fault = self.model._default_manager.filter(target=API).first()
        return _row(fault).failed if fault is not None else 0

    # --- meeting them ---------------------------------------------------------------------

    def active_fault(self, target: str) -> M | None:
        fault = self.model._default_manager.filter(target=target).first()
        return fault if fault is not None and _is_active(_row(fault)) else None

    def interruption(self, target: str) -> HttpResponse | None:
        """The response a fault puts in place of the service's; None lets it through. A slow
        fault delays, then lets the request through: a client that gave up meanwhile has
        lost an answer the sandbox acted on (a rotated refresh token, say)."""
        return self.plan(target, "POST").instead

    def plan(self, target: str, method: str) -> Plan:
        found = self.active_fault(target)
        if found is None:
            return PASS
        fault = _row(found)
        if fault.mode == FLAKY:
            return self._flaky(fault)
        if fault.mode == COMMIT_THEN_FAIL:
            return Plan(lose_answer=method in WRITES, delay_seconds=fault.delay_seconds)
        if fault.mode == SLOW:
            time.sleep(fault.delay_seconds)  # deliberately blocking: the latency emulated
            return PASS
        if fault.mode == THROTTLED:
            return Plan(instead=self.throttled())
        if fault.mode == OUTAGE:
            return Plan(instead=self.outage())
        return Plan(instead=self.server_error(target))

    def lost_answer(self, target: str, plan: Plan) -> HttpResponse:
        """What a client gets for a call that was carried out: a 500, or a hang and a 504."""
        if plan.delay_seconds <= 0 and not plan.timeout:
            return self.server_error(target)
        time.sleep(min(plan.delay_seconds, MAX_DELAY_SECONDS))
        return HttpResponse(TIMEOUT_PAGE, status=504, content_type="text/html")

    def _flaky(self, fault: FaultRow) -> Plan:
        chance = self._chance(fault)
        if chance.random() >= fault.fail_ratio:
            return PASS
        self.model._default_manager.filter(pk=fault.pk).update(failed=F("failed") + 1)
        fate = chance.choice(("error", "throttled", "lost"))
        if fate == "error":
            return Plan(instead=self.server_error(fault.target))
        if fate == "throttled":
            return Plan(instead=self.throttled())
        return Plan(lose_answer=True, delay_seconds=fault.delay_seconds, timeout=True)

    def _chance(self, fault: FaultRow) -> random.Random:
        if fault.seed is None:
            return secrets.SystemRandom()
        # Not for security: a seeded generator per call makes a failing run repeatable.
        return random.Random(f"{fault.seed}:{self._count(fault)}")  # noqa: S311

    def _count(self, fault: FaultRow) -> int:
        """This call's number since the fault was set, counted in the database."""
        with transaction.atomic():
            row = _row(self.model._default_manager.select_for_update().get(pk=fault.pk))
            calls = row.calls + 1
            self.model._default_manager.filter(pk=fault.pk).update(calls=calls)
        return calls


def gateway_outage() -> HttpResponse:
    """What a load balancer in front of a down service answers: HTML, not JSON."""
    response = HttpResponse(GATEWAY_PAGE, status=503, content_type="text/html")
    response["Retry-After"] = "30"
    return response


def _is_active(fault: FaultRow) -> bool:
    return fault.mode != OK and (fault.until is None or timezone.now() < fault.until)


def _row(fault: Any) -> FaultRow:
    """A fault model instance, seen through the fields every sandbox's model has."""
    return fault  # type: ignore[no-any-return]


class FaultForm(forms.Form):
    """The console's fault form, for one sandbox's `switch`."""

    target = forms.ChoiceField(label="Where")
    mode = forms.ChoiceField(label="Behaviour")
    delay_seconds = forms.FloatField(
        label="Delay in seconds (for Slow, Commit then fail and Flaky)",
        required=False,
        min_value=0,
        max_value=MAX_DELAY_SECONDS,
    )
    minutes = forms.FloatField(
        label="Ends by itself after (minutes)",
        required=False,
        min_value=0.01,
        help_text="Leave empty to keep the fault until it is cleared.",
    )
    fail_ratio = forms.FloatField(
        label="Share of calls that fail (for Flaky, 0 to 1)",
        required=False,
        min_value=0,
        max_value=1,
    )
    seed = forms.IntegerField(label="Seed (for Flaky, repeatable failures)", required=False)

    def __init__(self, *args: Any, switch: Faults[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.switch = switch
        model: Any = switch.model
        cast(forms.ChoiceField, self.fields["target"]).choices = model.Target.choices
        cast(forms.ChoiceField, self.fields["mode"]).choices = model.Mode.choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("mode") == SLOW and not cleaned.get("delay_seconds"):
            self.add_error("delay_seconds", "Give a delay for a slow endpoint.")
        if cleaned.get("mode") == FLAKY and not cleaned.get("fail_ratio"):
            self.add_error("fail_ratio", "Give the share of calls that should fail.")
        return cleaned

    def apply(self) -> Any:
        data = self.cleaned_data
        return self.switch.set_fault(
            data["target"],
            data["mode"],
            delay_seconds=data.get("delay_seconds") or 0.0,
            minutes=data.get("minutes"),
            fail_ratio=data.get("fail_ratio") or 0.0,
            seed=data.get("seed"),
        )
