"""The platform's retry policy: which failures are retried, how many times, and the
back-off (exponential or scheduled, with jitter) and Retry-After between tries."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from integrations import health
from integrations.retry import Backoff, RetryAfter, RetryPolicy

DOUBLING = Backoff.exponential(2.0, cap_s=60.0)
SCHEDULE = Backoff.scheduled((60.0, 300.0, 1_800.0))


def test_an_exponential_back_off_doubles_from_its_first_wait_up_to_its_cap() -> None:
    waits = [DOUBLING.delay(failures) for failures in range(1, 8)]

    assert waits == [2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]
    assert DOUBLING.delay(0) == 2.0  # no failure yet counts as the first


def test_a_scheduled_back_off_waits_each_step_of_its_schedule_in_turn() -> None:
    assert [SCHEDULE.delay(failures) for failures in (1, 2, 3)] == [60.0, 300.0, 1_800.0]
    assert SCHEDULE.retries == 3
    assert DOUBLING.retries is None


def test_jitter_spreads_each_wait_within_its_range_and_not_all_alike() -> None:
    spread = Backoff.exponential(2.0, cap_s=60.0, jitter=(0.75, 1.25))

    waits = [spread.delay(3) for _ in range(200)]

    assert all(6.0 <= wait <= 10.0 for wait in waits)  # 8 s within a quarter either way
    assert len(set(waits)) > 1


def test_upward_jitter_never_retries_earlier_than_the_schedule() -> None:
    later = Backoff.scheduled((60.0, 300.0), jitter=(1.0, 1.1))

    waits = [later.delay(2) for _ in range(200)]

    assert all(300.0 <= wait <= 330.0 for wait in waits)


def test_a_schedule_allows_one_try_more_than_it_has_waits() -> None:
    policy = RetryPolicy(SCHEDULE)

    assert [policy.next_wait(failures) for failures in (1, 2, 3)] == [60.0, 300.0, 1_800.0]
    assert policy.next_wait(4) is None


def test_attempts_count_every_try_the_first_included() -> None:
    policy = RetryPolicy(DOUBLING, attempts=3)

    assert [policy.retries(failures) for failures in (1, 2, 3)] == [True, True, False]


def test_an_exponential_back_off_without_a_limit_retries_forever() -> None:
    assert RetryPolicy(DOUBLING).retries(10_000)


def test_an_empty_schedule_never_retries() -> None:
    assert RetryPolicy(Backoff.scheduled(())).next_wait(1) is None


def test_a_final_status_is_never_retried_whatever_attempts_are_left() -> None:
    policy = RetryPolicy(SCHEDULE, final_statuses=frozenset({410}))

    assert policy.next_wait(1, status=410) is None
    assert policy.next_wait(1, status=503) == 60.0


def test_a_stated_retry_after_replaces_the_back_off_by_default() -> None:
    policy = RetryPolicy(DOUBLING)

    assert policy.wait(5, retry_after=1.0) == 1.0
    assert policy.wait(5, retry_after=300.0) == 300.0
    assert policy.wait(5) == 32.0


def test_a_retry_after_at_least_can_only_delay_the_schedule() -> None:
    policy = RetryPolicy(SCHEDULE, retry_after=RetryAfter.AT_LEAST)

    assert policy.wait(1, retry_after=10.0) == 60.0
    assert policy.wait(1, retry_after=600.0) == 600.0


@pytest.mark.parametrize("retry_after", [None, 10.0**9])
def test_the_longest_wait_caps_the_back_off_and_a_retry_after_alike(
    retry_after: float | None,
) -> None:
    policy = RetryPolicy(
        Backoff.scheduled((100_000.0,)), retry_after=RetryAfter.AT_LEAST, longest_wait_s=43_200.0
    )

    assert policy.wait(1, retry_after=retry_after) == 43_200.0


def test_no_cap_unless_one_is_given() -> None:
    assert RetryPolicy(DOUBLING).longest_wait_s == math.inf
    assert RetryPolicy(DOUBLING).wait(1, retry_after=10.0**9) == 10.0**9


def test_a_degraded_connection_is_rechecked_after_1_2_4_minutes_up_to_half_an_hour() -> None:
    waits = [health.backoff(failures) for failures in (0, 1, 2, 3, 5, 6, 40)]

    minutes = [1, 1, 2, 4, 16, 30, 30]
    assert waits == [timedelta(minutes=m) for m in minutes]
