"""The public availability API, 2,000 items and 50,000 bookings: make bench NAME=availability.

Figures: ``warm_rps`` / ``warm_p99_ms`` (answers from the cache; ``warm_sql_queries``
counts every SQL query of the warm run: the target is 0), ``cold_p99_ms`` (each
answer computed afresh after an invalidation), ``queries_per_cold_request`` at two
catalogue sizes (the target: the same counts), ``invalidation_ms`` (a booking
committed -> the next answer shows it; median of the samples). See bench/availability.py.
"""

from __future__ import annotations

from typing import Any

from bench.apiaccess import bench_database
from bench.availability import Scale, measure


def run() -> dict[str, Any]:
    with bench_database():
        return measure(Scale())
