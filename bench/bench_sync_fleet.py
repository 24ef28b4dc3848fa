"""A fleet: 1,000 organisations, each on its own Xero sandbox organisation, all due at once.

One benchmark database; the Xero sandbox served by gunicorn with its limits raised
(every organisation's calls come from one machine, and the sandbox's app-wide minute
limit would otherwise measure Xero's quota, not Patchbay). The first organisation
connects through the sandbox's real OAuth flow; the others get their own sandbox
organisation, linked to the same sandbox grant, and a copy of its token set (a real
Xero app holds one token set per connecting user; the engine reads it the same way).
Each has RECORDS customers linked as if pushed long ago (their links carry the
fingerprints the engine computes), so a sync finds nothing to send.

Rounds, each started by the real beat tick (``dispatch_due_syncs``) and worked by 2
Celery worker processes (solo pool) on the broker: the first is the day's full check
(no cursors yet), the second a quiet round with nothing changed: ``fleet_round_s``.
Then, in this process, QUIET_SAMPLE no-op syncs measured one by one:
``noop_sync_cpu_ms`` (``time.process_time`` around ``run_sync``: this process's CPU,
threads included, the sandbox's not), ``noop_sync_queries`` (distinct counts seen),
``noop_sync_calls`` (audited calls). ``orgs_per_core_at_15_min`` = 900 s / p50 CPU.
Then the same connections' next scheduled syncs, which skip reading the ledger (Xero
notifies; nothing was notified): ``skipped_poll_*``, and ``poll_calls_saved_per_day``
from the measured calls of a read and of a skipped read on the organisations' schedule
with SYNC_NOTIFIED_POLL_BOUND_SECONDS (``notified_polls``).
Last, the table grows to TABLE_ROWS connections (one in 15 due, as on a 15-minute
schedule) and ``dispatch_tick_ms`` times the tick (claim and enqueue), with the plan
of its claim statement over the connections' schedules (``EXPLAIN ANALYZE``, rolled back).

Sizes come from the environment (BENCH_FLEET_ORGS, BENCH_FLEET_RECORDS,
BENCH_FLEET_TABLE_ROWS) so a test can run it tiny.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from bench.accounting_push import ROOT
from bench.apiaccess import percentile
from bench.bench_xero_push import CALLBACK, _point_at, connect_and_map

QUIET_SAMPLE = 50
TICKS = 5
WORKERS = 2
SANDBOX_ENV = {
    "SANDBOX_XERO_REDIRECT_URIS": CALLBACK,
    "SANDBOX_XERO_ACCESS_TOKEN_SECONDS": "86400",
    "SANDBOX_XERO_MINUTE_LIMIT": "1000000",
    "SANDBOX_XERO_APP_MINUTE_LIMIT": "1000000",
    "SANDBOX_XERO_DAY_LIMIT": "1000000",
}


def _size(name: str, default: int) -> int:
    return int(os.environ.get(name, "") or default)


def _records(organisation: Any, count: int) -> tuple[Any, Any]:
    from operations.models import Customer, IncomeCategory, TaxCategory

    tax = TaxCategory.objects.create(organisation=organisation, name="VAT", rate=Decimal(20))
    income = IncomeCategory.objects.create(organisation=organisation, name="Hire")
    Customer.objects.bulk_create(
        Customer(organisation=organisation, name=f"Fleet customer {n:03}", email=f"f{n}@b.test")
        for n in range(count)
    )
    return tax, income


def _link_customers(connection: Any) -> None:
    """Each customer's link as a push would have saved it, fingerprint by the engine."""
    from accounting.engine import push
    from accounting.engine.sync import adapter_for
    from accounting.models import Entity, ExternalRef
    from operations.models import Customer

    adapter = adapter_for(connection, None)
    ExternalRef.objects.bulk_create(
        ExternalRef(
            organisation_id=connection.organisation_id,
            connection=connection,
            entity=Entity.CUSTOMER,
            local_id=customer.pk,
            remote_id=str(uuid.uuid4()),
            remote_version="2026-01-01T00:00:00",
            pushed_fingerprint=push.fingerprint(
                adapter.owned(Entity.CUSTOMER, adapter.customer_payload(customer))
            ),
            state=ExternalRef.State.LINKED,
        )
        for customer in Customer.objects.filter(organisation=connection.organisation)
    )


def _fleet_member(n: int, template: Any, records: int) -> None:
    """Organisation n: its own sandbox organisation on the template's sandbox grant, a
    copy of the template's token set, its mappings and linked customers; due now."""
    from accounting.models import AccountMapping
    from integrations.models import Connection
    from sandbox.xero.models import XeroConnection, XeroOrganisation
    from tenancy.models import Organisation

    sandbox_grant = XeroConnection.objects.select_related("grant").first().grant  # type: ignore[union-attr]
    remote = XeroOrganisation.objects.create(name=f"Fleet Ledger {n:05}", short_code=f"!f{n}")
    XeroConnection.objects.create(
        grant=sandbox_grant, organisation=remote, auth_event_id=uuid.uuid4()
    )
    organisation = Organisation.objects.create(name=f"Fleet Hire {n:05}", slug=f"fleet-{n:05}")
    tax, income = _records(organisation, records)
    grant = template.grant
    grant.pk = None
    grant.organisation = organisation
    grant.save()
    connection = Connection.objects.create(
        organisation=organisation,
        provider=template.provider,
        remote_id=str(remote.tenant_id),
        remote_name=remote.name,
        remote_connection_id=str(uuid.uuid4()),
        grant=grant,
    )
    AccountMapping.objects.bulk_create(
        AccountMapping(
            organisation=organisation,
            connection=connection,
            kind=kind,
            local_id=local_id,
            remote_code=code,
        )
        for kind, local_id, code in (
            (AccountMapping.Kind.INCOME, income.pk, "200"),
            (AccountMapping.Kind.TAX, tax.pk, "OUTPUT2"),
            (AccountMapping.Kind.PAYMENT_ACCOUNT, 0, "090"),
        )
    )
    _link_customers(connection)


def _world(organisations: int, records: int) -> Any:
    from django.db import connection as db

    from integrations.models import Connection, SyncSchedule
    from tenancy.models import Membership, Organisation, User
    from tenancy.roles import Role

    first = Organisation.objects.create(name="Fleet Hire 00000", slug="fleet-00000")
    owner = User.objects.create_user(email="fleet@bench.test", password=None)
    Membership.objects.create(user=owner, organisation=first, role=Role.OWNER)
    tax, income = _records(first, records)
    template = connect_and_map(owner, tax, income)
    _link_customers(template)
    for n in range(1, organisations):
        _fleet_member(n, Connection.objects.get(pk=template.pk), records)
    _pushed_long_ago()
    SyncSchedule.objects.update(next_sync_at=None)
    with db.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return template


def _pushed_long_ago() -> None:
    """The fleet's records and links as a quiet day leaves them: changed, pulled and
    linked an hour ago. Made (or pulled from the Demo Company by the full check) just
    now, they would fall inside every push cursor's two-minute overlap (due.OVERLAP),
    and a "quiet" sync would read and compare them again: right for a sync two minutes
    after a change, not what a fleet's quiet quarter hour looks like."""
    from django.utils import timezone

    from accounting.models import ExternalRef
    from operations.models import CreditNote, Customer, EquipmentItem, Invoice

    earlier = timezone.now() - timedelta(hours=1)
    for model in (Customer, EquipmentItem, Invoice, CreditNote, ExternalRef):
        model.objects.update(updated_at=earlier)


def _workers(port: int) -> list[subprocess.Popen[bytes]]:
    from django.conf import settings
    from django.db import connection as db

    database = db.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    base = f"http://127.0.0.1:{port}/sandbox/xero"
    environment = {
        **os.environ,
        "PATCHBAY_ENV": "test",
        "DATABASE_URL": url,
        "REDIS_URL": settings.REDIS_URL,
        "XERO_API_BASE": f"{base}/api.xro/2.0",
        "XERO_TOKEN_URL": f"{base}/identity/connect/token",
        "XERO_CONNECTIONS_URL": f"{base}/connections",
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"]
    command += ["--loglevel=WARNING", "--without-heartbeat", "--without-mingle", "--without-gossip"]
    return [
        subprocess.Popen([*command, "-n", f"fleet{n}@%h"], cwd=ROOT, env=environment)  # noqa: S603
        for n in range(WORKERS)
    ]


def _round(organisations: int, timeout_s: float = 3600) -> dict[str, Any]:
    """Every connection due; beat ticks until all are claimed; done when every
    connection has a finished run begun after the round started."""
    from django.db.models import Count
    from django.utils import timezone

    from integrations import syncs
    from integrations.models import SyncRun, SyncSchedule

    SyncSchedule.objects.update(next_sync_at=None)
    started = timezone.now()
    clock = time.perf_counter()
    dispatched = 0
    while dispatched < organisations:
        dispatched += syncs.dispatch_due_syncs()
        if dispatched < organisations:
            time.sleep(1)
    deadline = time.monotonic() + timeout_s
    finished = SyncRun.objects.filter(started_at__gte=started, finished_at__isnull=False)
    while finished.count() < organisations and time.monotonic() < deadline:
        time.sleep(0.5)
    wall = time.perf_counter() - clock
    statuses = dict(finished.values_list("status").annotate(n=Count("pk")))
    return {"wall_s": round(wall, 2), "runs": finished.count(), "statuses": statuses}


def _quiet_samples(count: int) -> list[tuple[float, int, int, str]]:
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    from accounting.engine.sync import run_sync
    from integrations.models import AuditEntry, Connection

    measured = []
    for pk in Connection.objects.order_by("pk").values_list("pk", flat=True)[:count]:
        fresh = Connection.objects.select_related("organisation").get(pk=pk)
        with CaptureQueriesContext(db) as queries:
            cpu = time.process_time()
            run = run_sync(fresh, "manual")
            cpu = time.process_time() - cpu
        calls = AuditEntry.objects.filter(run=run).count()
        measured.append((cpu * 1000, len(queries), calls, run.status))
    return measured


def _skipped_samples(count: int) -> list[tuple[float, int, int, str]]:
    """The scheduled syncs that follow the quiet samples: Xero notifies (its webhook key is
    set) and nothing was notified, so each pushes what changed (nothing) without reading
    the ledger (integrations.syncs.reads_provider)."""
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    from accounting.engine.sync import run_sync
    from integrations.models import AuditEntry, Connection

    measured = []
    for pk in Connection.objects.order_by("pk").values_list("pk", flat=True)[:count]:
        fresh = Connection.objects.select_related("organisation").get(pk=pk)
        with CaptureQueriesContext(db) as queries:
            cpu = time.process_time()
            run = run_sync(fresh, "schedule")
            cpu = time.process_time() - cpu
        calls = AuditEntry.objects.filter(run=run).count()
        measured.append((cpu * 1000, len(queries), calls, run.status))
    return measured


def _calls_saved(poll_calls: int, skipped_calls: int, organisations: int) -> dict[str, Any]:
    """Calls a day a quiet fleet saves: on its organisations' schedule every sync reads
    without notifications; with them, one in every ceil(bound / interval) reads."""
    from math import ceil

    from django.conf import settings

    from tenancy.models import Organisation

    interval = Organisation.objects.values_list("sync_interval_minutes", flat=True).first() or 15
    bound = settings.SYNC_NOTIFIED_POLL_BOUND_SECONDS / 60
    syncs_a_day = 1440 / interval
    reads_a_day = syncs_a_day / max(1, ceil(bound / interval))
    polling = syncs_a_day * poll_calls
    notified = reads_a_day * poll_calls + (syncs_a_day - reads_a_day) * skipped_calls
    return {
        "sync_interval_minutes": interval,
        "poll_bound_minutes": bound,
        "calls_per_poll": poll_calls,
        "calls_per_skipped_poll": skipped_calls,
        "calls_per_org_per_day_polling": round(polling),
        "calls_per_org_per_day_notified": round(notified),
        "poll_calls_saved_per_day": round((polling - notified) * organisations),
        "poll_calls_saved_per_day_per_10000_orgs": round((polling - notified) * 10_000),
    }


def _grow_table(rows: int) -> None:
    """Connections up to ``rows`` (no credentials: the tick never reads them), one in
    15 due, the rest later in the next quarter hour. Inserted in bulk, which no signal
    sees: their schedules are inserted beside them, as integrations.schedule would."""
    from django.db import connection as db
    from django.utils import timezone

    from integrations.models import Connection, SyncSchedule
    from tenancy.models import Organisation

    now = timezone.now()
    organisations = list(Organisation.objects.values_list("pk", flat=True))
    have = Connection.objects.count()
    _DUE_FILLERS[:] = [f"filler-{n}" for n in range(0, max(0, rows - have), 15)]
    for start in range(0, max(0, rows - have), 5_000):
        numbers = range(start, min(start + 5_000, rows - have))
        made = Connection.objects.bulk_create(
            Connection(
                organisation_id=organisations[n % len(organisations)],
                provider="xero",
                remote_id=f"filler-{n}",
                remote_name="Filler",
            )
            for n in numbers
        )
        SyncSchedule.objects.bulk_create(
            SyncSchedule(
                connection_id=connection.pk,
                syncable=True,
                next_sync_at=now - timedelta(seconds=n % 60)
                if n % 15 == 0
                else now + timedelta(seconds=1 + n % 900),
            )
            for n, connection in zip(numbers, made, strict=True)
        )
    with db.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE integrations_connection")
        cursor.execute("VACUUM ANALYZE integrations_syncschedule")


def _explain() -> str:
    """The plan of the tick's claim itself (claim_due's one statement), rolled back."""
    from django.conf import settings
    from django.db import connection as db
    from django.db import transaction
    from django.utils import timezone

    from integrations import syncs

    params = syncs.claim_params(settings.SYNC_DISPATCH_PER_TICK, timezone.now())
    with transaction.atomic(), db.cursor() as cursor:  # rolled back: nothing is claimed
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + syncs.CLAIM_SQL, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return plan


def _due_again() -> None:
    """The fillers _grow_table made due (one in 15), due again."""
    from django.utils import timezone

    from integrations.models import SyncSchedule

    past = timezone.now() - timedelta(minutes=1)
    fillers = SyncSchedule.objects.filter(connection__remote_id__in=_DUE_FILLERS)
    fillers.update(next_sync_at=past)


_DUE_FILLERS: list[str] = []


def _ticks() -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from config.celery import app
    from integrations import syncs
    from integrations.models import Connection, SyncSchedule

    due = SyncSchedule.objects.filter(next_sync_at__lte=timezone.now()).count()
    timings, claims, queries = [], [], []
    for _ in range(TICKS):
        _due_again()  # each tick finds the same backlog, not what the last one left
        with CaptureQueriesContext(db) as captured:
            clock = time.perf_counter()
            claimed = syncs.dispatch_due_syncs()
            timings.append((time.perf_counter() - clock) * 1000)
        queries.append(len(captured))
        claims.append(claimed)
    claim_only = []
    for _ in range(TICKS):
        _due_again()
        clock = time.perf_counter()
        syncs.claim_due()
        claim_only.append((time.perf_counter() - clock) * 1000)
    app.control.purge()
    return {
        "rows": Connection.objects.count(),
        "due_at_start": due,
        "per_tick_limit": settings.SYNC_DISPATCH_PER_TICK,
        "claimed_per_tick": claims,
        "tick_ms_all": [round(t, 1) for t in timings],
        "tick_ms_p50": round(percentile(timings, 0.5), 1),
        "claim_only_ms_p50": round(percentile(claim_only, 0.5), 1),
        "tick_queries": sorted(set(queries)),
    }


def _measure(
    template: Any, port: int, organisations: int, records: int, rows: int
) -> dict[str, Any]:
    from config.celery import app

    app.control.purge()
    workers = _workers(port)
    try:
        full = _round(organisations)
        _pushed_long_ago()  # the day's full check was hours ago by the next quiet round
        quiet = _round(organisations)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
    samples = _quiet_samples(min(QUIET_SAMPLE, organisations))
    cpu = [ms for ms, _, _, _ in samples]
    p50 = percentile(cpu, 0.5)
    skipped = _skipped_samples(min(QUIET_SAMPLE, organisations))
    skipped_cpu = [ms for ms, _, _, _ in skipped]
    saved = _calls_saved(
        max(c for _, _, c, _ in samples), max(c for _, _, c, _ in skipped), organisations
    )
    small_tick = _ticks()
    _grow_table(rows)
    plan = _explain()
    large_tick = _ticks()
    return {
        "organisations": organisations,
        "records_per_organisation": records,
        "workers": WORKERS,
        "full_check_round_s": full["wall_s"],
        "full_check_round": full,
        "fleet_round_s": quiet["wall_s"],
        "fleet_round": quiet,
        "noop_sync_cpu_ms": {
            "p50": round(p50, 1),
            "p99": round(percentile(cpu, 0.99), 1),
            "sampled": len(cpu),
        },
        "noop_sync_queries": sorted({q for _, q, _, _ in samples}),
        "noop_sync_calls": sorted({c for _, _, c, _ in samples}),
        "noop_sync_status": sorted({s for _, _, _, s in samples}),
        "orgs_per_core_at_15_min": int(900_000 / p50) if p50 else None,
        "skipped_poll_cpu_ms": {
            "p50": round(percentile(skipped_cpu, 0.5), 1),
            "p99": round(percentile(skipped_cpu, 0.99), 1),
            "sampled": len(skipped_cpu),
        },
        "skipped_poll_queries": sorted({q for _, q, _, _ in skipped}),
        "skipped_poll_calls": sorted({c for _, _, c, _ in skipped}),
        "skipped_poll_status": sorted({s for _, _, _, s in skipped}),
        "poll_calls_saved_per_day": saved["poll_calls_saved_per_day"],
        "notified_polls": saved,
        "dispatch_tick_ms": large_tick["tick_ms_p50"],
        "dispatch_tick": {"fleet_table": small_tick, "large_table": large_tick},
        "dispatch_plan": plan,
        "targets": "dispatch_tick_ms <= 50 at 100,000 rows; noop CPU p50 <= 50 ms; "
        "queries per no-op sync constant (not growing with an organisation's records)",
        "load_average": list(os.getloadavg()),
    }


def run() -> dict[str, Any]:
    from bench.accounting_push import serve_and_measure

    organisations = _size("BENCH_FLEET_ORGS", 1_000)
    records = _size("BENCH_FLEET_RECORDS", 200)
    rows = _size("BENCH_FLEET_TABLE_ROWS", 100_000)
    port_box: list[int] = []

    def point_at(port: int) -> None:
        port_box.append(port)
        _point_at(port)

    return serve_and_measure(
        SANDBOX_ENV,
        point_at,
        lambda: _world(organisations, records),
        lambda template: _measure(template, port_box[0], organisations, records, rows),
    )
