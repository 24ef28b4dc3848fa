"""The availability benchmark at a tiny scale: it runs end to end and reports every
figure. Whether the figures meet their targets is for the full run (README); the
query targets hold at any scale, so they are asserted here too."""

from __future__ import annotations

from typing import Any

from bench.availability import Scale, measure
from tests.ratelimits import fresh_rate_limits

__all__ = ["fresh_rate_limits"]

KEYS = {
    "warm_rps",
    "warm_p99_ms",
    "warm_sql_queries",
    "cold_p99_ms",
    "queries_per_cold_request",
    "invalidation_ms",
}


def test_a_tiny_run_reports_every_figure(transactional_db: None) -> None:
    figures: dict[str, Any] = measure(
        Scale(
            items=60,
            bookings=600,
            small_items=20,
            small_bookings=100,
            warm_requests=30,
            cold_samples=4,
            invalidation_samples=2,
        )
    )
    assert figures.keys() >= KEYS
    assert figures["warm_sql_queries"] == 0
    counts = list(figures["queries_per_cold_request"].values())
    assert len(counts) == 3 and all(len(c) == 1 for c in counts)
    assert counts[0] == counts[2]
    assert figures["invalidation_samples"] == 2
    assert figures["warm_rps"] > 0 and figures["invalidation_ms"] > 0
