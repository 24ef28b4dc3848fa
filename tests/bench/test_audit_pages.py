"""The audit_pages benchmark at a tiny scale, in a process of its own (it makes and drops
its own database): it fills the partitioned audit, loads the audit log's first and deep
pages at both sizes and reports every figure. Whether the figures meet their target is
for the full run (README), not asserted here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def test_a_tiny_audit_reports_both_sizes_and_the_page_plan() -> None:
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
    environment = {
        **os.environ,
        "PATCHBAY_ENV": "test",
        "DATABASE_URL": url + f"{database['NAME']}_tinyaudit",
        "BENCH_AUDIT_SMALL": "2000",
        "BENCH_AUDIT_LARGE": "6000",
        "BENCH_AUDIT_LOADS": "10",
    }
    script = "import json; from bench.bench_audit_pages import run; print(json.dumps(run()))"
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

    assert (figures["small"]["rows"], figures["large"]["rows"]) == (2000, 6000)
    for size in ("small", "large"):
        assert figures[size]["page_loads"] == 10
        assert len(figures[size]["queries_per_page"]) == 1  # the same queries on every page
        assert max(figures[size]["rows_shown"]) == 50  # a full page of the first organisation
        assert any("accounting_auditentry_p" in line for line in figures[size]["plan"])
    assert figures["monthly_partitions"] >= 13  # twelve months of rows, and those ahead
    assert figures["ratio"] > 0
