"""200 crew, 10,000 assignments over a quarter, pushed into their own Google, Outlook
and iCloud calendars by real Celery workers through the sandboxes; then a quiet round
and 500 single changes in real time. What is measured, and how: bench/calendar_push.py.
"""

from __future__ import annotations

from typing import Any

from bench.apiaccess import bench_database
from bench.calendar_push import Scale, measure


def run() -> dict[str, Any]:
    with bench_database() as database_url:
        return measure(database_url, Scale.from_env())
