"""The sync_fleet benchmark at a tiny scale, in a process of its own (it makes and drops
its own database): it runs end to end (sandbox, beat tick, two real workers, the large
table's tick and plan) and reports every figure. Whether the figures meet their
targets is for the full run (README), not asserted here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
KEYS = {
    "organisations",
    "dispatch_tick_ms",
    "dispatch_plan",
    "noop_sync_cpu_ms",
    "noop_sync_queries",
    "noop_sync_calls",
    "fleet_round_s",
    "orgs_per_core_at_15_min",
    "poll_calls_saved_per_day",
    "skipped_poll_calls",
}


@pytest.mark.celery_worker
def test_a_tiny_fleet_reports_every_figure() -> None:
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
    environment = {
        **os.environ,
        "PATCHBAY_ENV": "test",
        "DATABASE_URL": url + f"{database['NAME']}_tinyfleet",
        "REDIS_URL": settings.REDIS_URL,
        "BENCH_FLEET_ORGS": "3",
        "BENCH_FLEET_RECORDS": "5",
        "BENCH_FLEET_TABLE_ROWS": "600",
    }
    script = "import json; from bench.bench_sync_fleet import run; print(json.dumps(run()))"
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])

    assert figures.keys() >= KEYS
    assert figures["organisations"] == 3
    assert figures["fleet_round"]["runs"] == 3
    assert figures["fleet_round"]["statuses"] == {"succeeded": 3}
    assert figures["noop_sync_status"] == ["succeeded"]
    assert figures["noop_sync_calls"] == [4]  # the same reads for every organisation
    assert figures["noop_sync_cpu_ms"]["sampled"] == 3
    large = figures["dispatch_tick"]["large_table"]
    assert large["rows"] == 600
    assert large["claimed_per_tick"] == [40] * 5  # one in 15 of the fillers, every tick
    assert "schedule_due_sync" in figures["dispatch_plan"]
    # The next scheduled syncs, nothing notified, read nothing: every read saved.
    assert figures["skipped_poll_calls"] == [0]
    assert figures["skipped_poll_status"] == ["succeeded"]
    assert figures["poll_calls_saved_per_day"] == 3 * (96 - 24) * 4
