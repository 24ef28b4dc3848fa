"""When a failed call is tried again, and after how long: the one retry policy of the
platform. Its users keep their own numbers as data: a provider's back-off after a 429
without Retry-After (integrations.providers), a degraded connection's next check
(integrations.health), an outgoing webhook's schedule (webhooks.delivery).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from enum import Enum

Jitter = tuple[float, float]
NO_JITTER: Jitter = (1.0, 1.0)


@dataclass(frozen=True)
class Backoff:
    """The wait before the retry that follows the ``failures``-th failure in a row.

    Either exponential (``first_s``, times ``factor`` per further failure, at most
    ``cap_s``) or a ``schedule`` of waits, one per retry. The nominal wait is then
    multiplied by a factor drawn from ``jitter``, so callers that failed together do not
    come back together; (1.0, 1.1) only ever delays, (0.75, 1.25) spreads both ways.
    """

    first_s: float = 0.0
    factor: float = 2.0
    cap_s: float = math.inf
    schedule: tuple[float, ...] | None = None
    jitter: Jitter = NO_JITTER

    @classmethod
    def exponential(
        cls, first_s: float, *, cap_s: float, factor: float = 2.0, jitter: Jitter = NO_JITTER
    ) -> Backoff:
        return cls(first_s=first_s, factor=factor, cap_s=cap_s, jitter=jitter)

    @classmethod
    def scheduled(cls, waits: tuple[float, ...], *, jitter: Jitter = NO_JITTER) -> Backoff:
        """One wait per retry; an empty schedule allows none."""
        return cls(schedule=tuple(waits), jitter=jitter)

    @property
    def retries(self) -> int | None:
        """How many retries a schedule allows; None for an exponential back-off."""
        return None if self.schedule is None else len(self.schedule)

    def nominal(self, failures: int) -> float:
        """The wait before jitter; the first failure (or none yet) waits the first wait.
        A schedule's last wait repeats should a caller retry beyond it."""
        step = max(failures, 1) - 1
        if self.schedule is not None:
            return float(self.schedule[min(step, len(self.schedule) - 1)]) if self.schedule else 0.0
        return min(self.cap_s, self.first_s * self.factor**step)

    def delay(self, failures: int) -> float:
        low, high = self.jitter
        spread = 1.0 if low == high == 1.0 else random.uniform(low, high)  # noqa: S311 - not crypto
        return self.nominal(failures) * spread


class RetryAfter(Enum):
    """How a Retry-After the other side stated combines with the back-off."""

    # The server knows its own window (a provider's rate limit): its wait is the wait.
    INSTEAD = "instead"
    # Never earlier than the documented schedule either (a webhook receiver's hint).
    AT_LEAST = "at_least"


@dataclass(frozen=True)
class RetryPolicy:
    """Which failures are tried again, how often, and after how long.

    ``attempts`` counts every try, the first included (None: a schedule's length plus
    one, or no limit for an exponential back-off); ``final_statuses`` are answers never
    retried; ``longest_wait_s`` caps every wait, a stated Retry-After's included.
    """

    backoff: Backoff
    attempts: int | None = None
    retry_after: RetryAfter = RetryAfter.INSTEAD
    longest_wait_s: float = math.inf
    final_statuses: frozenset[int] = field(default_factory=frozenset)

    @property
    def most_attempts(self) -> int | None:
        if self.attempts is not None:
            return self.attempts
        retries = self.backoff.retries
        return None if retries is None else retries + 1

    def retries(self, failures: int, status: int | None = None) -> bool:
        """Whether to try again after ``failures`` failed tries, the last answering ``status``."""
        if status is not None and status in self.final_statuses:
            return False
        most = self.most_attempts
        return most is None or failures < most

    def wait(self, failures: int, retry_after: float | None = None) -> float:
        """Seconds to wait after the ``failures``-th failure in a row."""
        if retry_after is not None and self.retry_after is RetryAfter.INSTEAD:
            seconds = retry_after
        else:
            seconds = self.backoff.delay(failures)
            if retry_after is not None:
                seconds = max(seconds, retry_after)
        return min(seconds, self.longest_wait_s)

    def next_wait(
        self, failures: int, *, status: int | None = None, retry_after: float | None = None
    ) -> float | None:
        """The wait before the next try, or None when this failure is final."""
        if not self.retries(failures, status):
            return None
        return self.wait(failures, retry_after)
