"""The calendar_push benchmark at a tiny scale: it runs end to end (sandboxes, a real
worker, the three phases) and reports every figure. Whether the figures meet their
targets is for the full run (README), not asserted here."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from bench.calendar_push import Scale, measure

KEYS = {
    "events",
    "calls",
    "min_calls",
    "calls_ratio",
    "wall_s",
    "rate_bound_s",
    "latency_bound_s",
    "wall_ratio",
    "noop_sync_calls",
    "propagation_p50_ms",
    "propagation_p99_ms",
}


def _database_url() -> str:
    database = connection.settings_dict
    return f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


@pytest.mark.celery_worker
def test_a_tiny_run_reports_every_figure(transactional_db: None, settings: Any) -> None:
    figures = measure(_database_url(), Scale(users=3, assignments=30, samples=10, workers=1))

    assert figures.keys() >= KEYS
    assert figures["events"] == 30 and figures["events_in_sandbox"] == 30
    assert figures["by_provider"] == {"google-calendar": 1, "outlook": 1, "icloud": 1}
    assert figures["calls"] >= figures["min_calls"] == 30 + 3 * 3
    assert figures["calls_ratio"] == round(figures["calls"] / figures["min_calls"], 3)
    assert figures["audit_calls"] == figures["calls"]
    # One read each for the two two-way users; nothing for iCloud.
    assert figures["noop_sync_calls_by_provider"]["icloud"] == 0
    assert isinstance(figures["noop_sync_calls"], int)
    assert figures["propagation_samples"] == 10
    assert figures["propagation_lost"] == 0
