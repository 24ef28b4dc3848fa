"""The accounting audit log's pages at 10,000 and at 10 million audit rows.

One fresh benchmark database. Ten organisations, one Xero connection each; the audit
rows are made by PostgreSQL itself (``INSERT ... SELECT generate_series``, a million a
statement), dealt round-robin to the ten and spread evenly over the last twelve months,
so they fall into thirteen monthly partitions (made ahead as beat would, with
``partitions.cover``), ids rising with time as calls are recorded. After each fill,
``VACUUM ANALYZE`` (what autovacuum does on a live database).

At each size the first organisation's bookkeeper loads, through Django's test client,
the audit log's first page PAGE_LOADS / 2 times and PAGE_LOADS / 2 deep pages
(``?before=<id>`` at cursors spread evenly over the organisation's ids, the link the
"Older" button follows). Figures: ``first_page_ms`` and ``deep_page_ms`` (p50, p99),
``all_pages_ms`` (both together), ``queries_per_page`` (distinct counts seen),
``rows_shown`` (per page), and ``plan``: ``EXPLAIN (ANALYZE, BUFFERS)`` of a deep
page's audit query. Then ``ratio`` = p99 of all pages at 10 million / at 10,000
(target <= 2), ``fill_s`` (time to grow) and ``load_average`` (the machine is shared).

Sizes come from the environment (BENCH_AUDIT_SMALL, BENCH_AUDIT_LARGE,
BENCH_AUDIT_LOADS) so a smaller run is one variable away.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta
from typing import Any

from bench.apiaccess import bench_database, percentile

ORGANISATIONS = 10
CHUNK = 1_000_000
SPREAD = timedelta(days=365)


def _size(name: str, default: int) -> int:
    return int(os.environ.get(name, "") or default)


def _world() -> tuple[list[int], list[int], Any]:
    from integrations.models import Connection
    from tenancy.models import Membership, Organisation, User
    from tenancy.roles import Role

    organisations, connections = [], []
    for n in range(ORGANISATIONS):
        organisation = Organisation.objects.create(name=f"Audit Hire {n}", slug=f"audit-{n}")
        connection = Connection.objects.create(
            organisation=organisation,
            provider="xero",
            state=Connection.State.CONNECTED,
            remote_id=f"tenant-{n}",
            remote_name=f"Audit Hire {n} Ltd",
        )
        organisations.append(organisation.pk)
        connections.append(connection.pk)
    reader = User.objects.create_user(email="books@audit.test", password=None)
    Membership.objects.create(user=reader, organisation_id=organisations[0], role=Role.BOOKKEEPER)
    return organisations, connections, reader


def _fill(
    organisations: list[int], connections: list[int], start: int, stop: int, total: int
) -> None:
    """Rows start+1..stop of `total`, row g made at (g / total) of the way through the year."""
    from django.db import connection as db
    from django.utils import timezone

    from integrations import partitions
    from integrations.tasks import CALL_AUDIT

    now = timezone.now()
    partitions.cover(CALL_AUDIT, now - SPREAD, now)
    first_of_year = now - SPREAD
    with db.cursor() as cursor:
        for low in range(start, stop, CHUNK):
            high = min(stop, low + CHUNK)
            cursor.execute(
                """
                INSERT INTO accounting_auditentry (
                    organisation_id, connection_id, run_id, direction, entity, local_ids,
                    remote_ids, method, url, request_body, status_code, response_body, version,
                    idempotency_key, outcome, duration_ms, created_at)
                SELECT (%(orgs)s::bigint[])[1 + g %% %(n)s], (%(conns)s::bigint[])[1 + g %% %(n)s],
                    NULL, 'push', 'invoice', jsonb_build_array(g), jsonb_build_array('r' || g),
                    'PUT', 'https://api.xero.com/api.xro/2.0/Invoices/' || g,
                    '{"Type": "ACCREC"}', 200, '{"Status": "OK"}', '', 'k-' || g,
                    CASE WHEN g %% 10 = 0 THEN 'error' ELSE 'created' END, 40 + g %% 200,
                    %(first)s + make_interval(secs => %(spread)s * g::float8 / %(total)s)
                FROM generate_series(%(low)s, %(high)s) AS g
                """,
                {
                    "orgs": organisations,
                    "conns": connections,
                    "n": ORGANISATIONS,
                    "first": first_of_year,
                    "spread": SPREAD.total_seconds(),
                    "total": total,
                    "low": low + 1,
                    "high": high,
                },
            )
        cursor.execute("VACUUM ANALYZE accounting_auditentry")


def _cursors(organisation: int, count: int) -> list[int]:
    """`count` ids of the organisation spread evenly from its newest to its oldest."""
    from integrations.models import AuditEntry

    ids = AuditEntry.objects.filter(organisation_id=organisation)
    newest = ids.order_by("-id").values_list("id", flat=True)[0]
    oldest = ids.order_by("id").values_list("id", flat=True)[0]
    step = (newest - oldest) / max(1, count)
    return [int(newest - step * (n + 0.5)) for n in range(count)]


def _load(client: Any, url: str) -> tuple[float, int, int]:
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(db) as queries:
        clock = time.perf_counter()
        response = client.get(url)
        wall = (time.perf_counter() - clock) * 1000
    if response.status_code != 200:  # a broken page measures nothing
        raise RuntimeError(f"the audit log answered {response.status_code}")
    return wall, len(queries), response.content.decode().count("<code>PUT</code>")


def _plan(client: Any, url: str) -> list[str]:
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(db) as queries:
        client.get(url)
    sql = next(
        q["sql"] for q in queries.captured_queries if 'FROM "accounting_auditentry"' in q["sql"]
    )
    with db.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}")
        return [row[0] for row in cursor.fetchall()]


def _ms(values: list[float]) -> dict[str, float]:
    return {"p50": round(percentile(values, 0.5), 2), "p99": round(percentile(values, 0.99), 2)}


def _measure(rows: int, organisation: int, reader: Any, loads: int) -> dict[str, Any]:
    from django.test import Client

    client = Client()
    client.force_login(reader)
    page = "/settings/accounting/audit/"
    for _ in range(5):  # warm: templates compiled, session read, caches filled
        _load(client, page)
    first = [_load(client, page) for _ in range(loads // 2)]
    cursors = _cursors(organisation, loads - loads // 2)
    deep = [_load(client, f"{page}?before={cursor}") for cursor in cursors]
    every = first + deep
    return {
        "rows": rows,
        "first_page_ms": _ms([wall for wall, _, _ in first]),
        "deep_page_ms": _ms([wall for wall, _, _ in deep]),
        "all_pages_ms": _ms([wall for wall, _, _ in every]),
        "page_loads": len(every),
        "queries_per_page": sorted({count for _, count, _ in every}),
        "rows_shown": sorted({shown for _, _, shown in every}),
        "plan": _plan(client, f"{page}?before={cursors[len(cursors) // 2]}"),
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }


def run() -> dict[str, Any]:
    small = _size("BENCH_AUDIT_SMALL", 10_000)
    large = _size("BENCH_AUDIT_LARGE", 10_000_000)
    loads = _size("BENCH_AUDIT_LOADS", 200)
    with bench_database():
        from integrations import partitions
        from integrations.tasks import CALL_AUDIT

        organisations, connections, reader = _world()
        clock = time.perf_counter()
        _fill(organisations, connections, 0, small, small)
        at_small = _measure(small, organisations[0], reader, loads)
        clock = time.perf_counter()
        _fill(organisations, connections, small, large, large)
        fill_s = time.perf_counter() - clock
        at_large = _measure(large, organisations[0], reader, loads)
        monthly = len(partitions.months_present(CALL_AUDIT))
    return {
        "small": at_small,
        "large": at_large,
        "ratio": round(at_large["all_pages_ms"]["p99"] / at_small["all_pages_ms"]["p99"], 3),
        "fill_s": round(fill_s, 1),
        "monthly_partitions": monthly,
        "target": "p99 page time at 10 million rows <= 2x the time at 10,000",
    }
