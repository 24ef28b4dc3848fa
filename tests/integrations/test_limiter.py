"""The one outbound limiter in real Redis, shared by every worker (threads here)."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
import time_machine

from accounting.providers.quickbooks.limits import BATCH
from accounting.providers.quickbooks.limits import LIMITS as QUICKBOOKS
from integrations import limiter as limiter_module
from integrations.errors import ProviderUnavailable
from integrations.limiter import (
    BLOCKED,
    DAY_SPENT,
    GRANTED,
    LEASE_CALLS,
    LEASE_SECONDS,
    SECOND_MS,
    WINDOW_FULL,
    DailyLimitReached,
    Limiter,
    Limits,
    Window,
    at_once,
    per_minute,
    serial_calls,
)


def fresh(limits: Limits) -> Limiter:
    return Limiter("xero", f"tenant-{uuid.uuid4().hex}", limits)


def test_the_minute_window_never_admits_more_than_the_limit() -> None:
    limiter = fresh(Limits((per_minute(5), at_once(10)), per_day=100))
    admitted = []
    with time_machine.travel(0, tick=False) as clock:
        for _ in range(5):
            with limiter.permit():
                admitted.append(time.time())
        code, wait_ms = limiter.try_acquire("probe")
        assert code == WINDOW_FULL and 59_000 <= wait_ms <= 60_000
        clock.shift(60.001)
        with limiter.permit():
            admitted.append(time.time())
    assert len(admitted) == 6


def test_concurrent_calls_are_capped_across_workers() -> None:
    limiter = fresh(Limits((per_minute(1000), at_once(2)), per_day=1000))
    inside, peak, lock = 0, 0, threading.Lock()

    def worker() -> None:
        nonlocal inside, peak
        with limiter.permit():
            with lock:
                inside += 1
                peak = max(peak, inside)
            time.sleep(0.05)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak == 2


def test_a_slow_call_counts_until_a_full_window_after_it_ends() -> None:
    limiter = fresh(Limits((Window("second", 1, SECOND_MS, from_end=True),)))
    with time_machine.travel(0, tick=False) as clock:
        with limiter.permit():
            clock.shift(5)  # the call takes five seconds
            assert limiter.try_acquire("in-flight")[0] == WINDOW_FULL
        clock.shift(0.5)  # half a second after it ended: still counted
        code, wait_ms = limiter.try_acquire("probe")
        assert code == WINDOW_FULL and 400 <= wait_ms <= 500
        clock.shift(0.501)
        assert limiter.try_acquire("probe")[0] == GRANTED


def test_a_tagged_window_counts_only_calls_with_its_tag() -> None:
    limiter = fresh(Limits((per_minute(100), Window("batch", 1, 60_000, only_for="batch"))))
    with limiter.permit("batch"):
        pass
    assert limiter.try_acquire("plain")[0] == GRANTED  # an untagged call isn't a batch
    assert limiter.try_acquire("second-batch", "batch")[0] == WINDOW_FULL


def test_quickbooks_limits_are_intuits_figures() -> None:
    windows = {window.name: window for window in QUICKBOOKS.windows}
    assert (windows["minute"].limit, windows["second"].limit, QUICKBOOKS.concurrent) == (
        500,
        10,
        10,
    )
    assert windows["batch"].limit == 40 and windows["batch"].only_for == BATCH
    assert QUICKBOOKS.per_day is None


def test_the_providers_remaining_count_corrects_ours() -> None:
    limiter = fresh(Limits((per_minute(60), at_once(5)), per_day=5000))
    limiter.observe(minute_remaining=0, day_remaining=4000)
    assert limiter.try_acquire("probe")[0] == WINDOW_FULL


def test_a_spent_day_raises_until_midnight() -> None:
    limiter = fresh(Limits((per_minute(60), at_once(5)), per_day=5000))
    limiter.observe(minute_remaining=None, day_remaining=0)
    assert limiter.try_acquire("probe")[0] == DAY_SPENT
    with pytest.raises(DailyLimitReached) as raised, limiter.permit():
        pass
    assert raised.value.resets_at.hour == 0


def test_no_daily_limit_means_no_day_counter() -> None:
    limiter = fresh(Limits((per_minute(60),)))
    limiter.observe(minute_remaining=None, day_remaining=0)
    assert limiter.try_acquire("probe")[0] == GRANTED


def test_retry_after_blocks_everyone() -> None:
    limiter = fresh(Limits((per_minute(60), at_once(5)), per_day=5000))
    limiter.block(30)
    code, wait_ms = limiter.try_acquire("probe")
    assert code == BLOCKED and 29_000 < wait_ms <= 30_000


# --- leases: serial calls take their places many at a time ---------------------------


def counting_acquires(limiter: Limiter, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The places asked for at each round trip to Redis."""
    asked: list[int] = []
    real = limiter.try_acquire

    def spy(holder: str, tag: str = "", *, want: int = 1, ahead_ms: int = 0) -> tuple[int, int]:
        asked.append(want)
        return real(holder, tag, want=want, ahead_ms=ahead_ms)

    monkeypatch.setattr(limiter, "try_acquire", spy)
    return asked


def members(limiter: Limiter, window: str) -> int:
    assert limiter.redis is not None
    return int(limiter.redis.zcard(f"{limiter.prefix}:{window}"))


def test_serial_calls_ask_redis_once_per_lease_not_once_per_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    limiter = fresh(Limits((per_minute(600), at_once(4))))
    asked = counting_acquires(limiter, monkeypatch)
    with serial_calls():
        for _ in range(20):
            with limiter.permit():
                pass
    assert asked == [LEASE_CALLS]
    assert members(limiter, "minute") == 20  # the unused 30 given back at the end


def test_a_lease_takes_only_the_room_left_and_the_window_holds_its_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    limiter = fresh(Limits((per_minute(5),)))
    with limiter.permit():  # someone else's call, outside any lease
        pass
    asked = counting_acquires(limiter, monkeypatch)
    monkeypatch.setattr(limiter_module, "MAX_WAIT_S", 1.0)
    made = 0
    with serial_calls(), pytest.raises(ProviderUnavailable):
        for _ in range(10):
            with limiter.permit():
                made += 1
    assert made == 4  # 5 a minute, one spent before the lease
    assert asked[0] == LEASE_CALLS and len(asked) == 2  # the second found the window full
    assert members(limiter, "minute") == 5


def test_leased_calls_count_until_a_full_window_after_the_lease_could_last() -> None:
    limiter = fresh(Limits((per_minute(1),)))
    with time_machine.travel(0, tick=False) as clock:
        with serial_calls(), limiter.permit():
            pass
        clock.shift(60 + LEASE_SECONDS / 2)  # a minute after the call: Google forgets it
        code, wait_ms = limiter.try_acquire("probe")
        assert code == WINDOW_FULL and 0 < wait_ms <= LEASE_SECONDS * 1000 / 2
        clock.shift(LEASE_SECONDS / 2 + 0.001)
        assert limiter.try_acquire("probe")[0] == GRANTED


def test_a_lease_holds_one_place_of_the_calls_at_once_until_it_ends() -> None:
    limits = Limits((per_minute(600), at_once(1)))
    limiter, other = fresh(limits), None
    with serial_calls():
        for _ in range(3):
            with limiter.permit():
                pass
        other = Limiter("xero", limiter.prefix.rsplit(":", 1)[-1], limits)
        assert other.try_acquire("between calls")[0] == WINDOW_FULL
    assert other.try_acquire("after the lease")[0] == GRANTED


def test_a_lease_ends_when_the_provider_says_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    limiter = fresh(Limits((per_minute(600),)))
    monkeypatch.setattr(limiter_module, "MAX_WAIT_S", 1.0)
    with serial_calls():
        with limiter.permit():
            pass
        limiter.block(30)  # a 429 with Retry-After: 30
        with pytest.raises(ProviderUnavailable), limiter.permit():
            pytest.fail("a call was made from the lease while the provider said wait")
    assert members(limiter, "minute") == 1


def test_windows_counting_after_a_call_ends_are_asked_per_call_even_in_a_lease(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    limiter = fresh(Limits((Window("second", 10, SECOND_MS, from_end=True),)))
    asked = counting_acquires(limiter, monkeypatch)
    with serial_calls():
        for _ in range(3):
            with limiter.permit():
                pass
    assert asked == [1, 1, 1]


def test_a_lease_spent_or_out_of_time_is_renewed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limiter_module, "LEASE_CALLS", 3)
    monkeypatch.setattr(limiter_module, "LEASE_SECONDS", 0.5)
    limiter = fresh(Limits((per_minute(600),)))
    asked = counting_acquires(limiter, monkeypatch)
    with serial_calls():
        for _ in range(7):
            with limiter.permit():
                pass
        time.sleep(0.6)
        with limiter.permit():  # the third lease has 2 places left, but its time is up
            pass
    assert asked == [3, 3, 3, 3]
    assert members(limiter, "minute") == 8
