"""Shared by the accounting push benchmarks (xero_push, quickbooks_push, sage_push).

Each pushes the same world (2,000 issued invoices for 200 customers of one organisation)
to its provider's sandbox, served by gunicorn in processes of its own with the
provider's real limits, then runs a sync with nothing changed. The engine runs in the
benchmark's process as a worker would, with its Redis budget. A benchmark module
supplies what differs: the sandbox's settings, how to connect and map, how to count
its calls and the least time its limits allow. (Not a benchmark itself: the harness
only runs ``bench_*.py``.)
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import requests

from bench.apiaccess import bench_database

CUSTOMERS = 200
INVOICES = 2_000
ROOT = Path(__file__).resolve().parent.parent
SANDBOX_SERVER = "gunicorn, 3 processes x 2 threads, same machine"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_sandbox(database_url: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    server_env = {
        **os.environ,
        "PATCHBAY_ENV": "development",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": database_url,
        "PATCHBAY_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "PATCHBAY_VAR_DIR": tempfile.mkdtemp(prefix="patchbay-bench-"),
        **env,
    }
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}"]
    command += ["--workers", "3", "--threads", "2", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=server_env)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).ok:
                return server
        except requests.RequestException:
            pass  # still booting
        time.sleep(0.3)
    server.kill()
    raise RuntimeError("The sandbox server did not start within a minute.")


def _clear_budgets() -> None:
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter("patchbay:budget:*"))
    if keys:
        client.delete(*keys)


def serve_and_measure(
    sandbox_env: dict[str, str],
    point_at: Callable[[int], None],
    world: Callable[[], Any],
    measure: Callable[[Any], dict[str, Any]],
) -> dict[str, Any]:
    """Start the sandbox on a fresh benchmark database, point Patchbay at it, build the
    world (returns the connection) and measure it; the sandbox is stopped either way."""
    with bench_database() as database_url:
        port = _free_port()
        server = _start_sandbox(database_url, port, sandbox_env)
        try:
            point_at(port)
            connection = world()
            _clear_budgets()
            return measure(connection)
        finally:
            server.terminate()
            server.wait(timeout=30)


def bench_organisation(currency: str = "GBP", tax_rate: Decimal = Decimal("20.00")) -> Any:
    """The organisation and its owner, one tax and one income category, 200 customers
    and 2,000 issued invoices. Returns (organisation, owner, tax, income)."""
    from operations import services
    from operations.models import IncomeCategory, TaxCategory
    from tenancy.models import Membership, Organisation, User
    from tenancy.roles import Role

    organisation = Organisation.objects.create(name="Bench Hire", slug="bench-hire")
    owner = User.objects.create_user(email="bench@bench.test", password=None)
    Membership.objects.create(user=owner, organisation=organisation, role=Role.OWNER)
    tax = TaxCategory.objects.create(
        organisation=organisation, name=f"Tax {tax_rate}%", rate=tax_rate
    )
    income = IncomeCategory.objects.create(organisation=organisation, name="Hire")
    customers = [
        services.create_customer(
            organisation, name=f"Bench customer {n:03}", email=f"c{n}@bench.test", currency=currency
        )
        for n in range(CUSTOMERS)
    ]
    for n in range(INVOICES):
        line = services.LineInput(
            description=f"Hire {n}",
            unit_price=Decimal(100 + n % 50),
            tax_category=tax,
            income_category=income,
        )
        draft = services.create_draft_invoice(customers[n % CUSTOMERS], [line])
        services.issue_invoice(draft)
    return organisation, owner, tax, income


def signed_in(owner: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(owner)
    return client


def map_accounts(connection: Any, codes: Iterable[tuple[str, int, str]]) -> None:
    from accounting.models import AccountMapping

    for kind, local_id, code in codes:
        AccountMapping.objects.create(
            organisation=connection.organisation,
            connection=connection,
            kind=kind,
            local_id=local_id,
            remote_code=code,
        )


def least(durations: list[float], concurrent: int) -> float:
    """The least time some calls can take with at most ``concurrent`` in flight."""
    return max(sum(durations) / concurrent, max(durations, default=0.0))


@dataclass(frozen=True)
class Synced:
    run: Any
    wall_s: float
    started: Any  # when the run began, by the database clock the sandbox logs with
    timings: list[tuple[str, str, float]]  # (entity, method, seconds) of every call made


def sync(connection: Any) -> Synced:
    from django.utils import timezone

    from accounting.engine.sync import run_sync
    from integrations.models import AuditEntry, Connection

    fresh = Connection.objects.select_related("organisation").get(pk=connection.pk)
    started = timezone.now() - timedelta(milliseconds=5)
    clock = time.perf_counter()
    run = run_sync(fresh, "manual")
    wall_s = time.perf_counter() - clock
    timings = AuditEntry.objects.filter(run=run).values_list("entity", "method", "duration_ms")
    made = [(entity, method, ms / 1000) for entity, method, ms in timings]
    return Synced(run, wall_s, started, made)


@dataclass(frozen=True)
class Measured:
    """What every push benchmark reports, before its provider's own figures."""

    push: Synced
    quiet: Synced
    calls: int
    min_calls: int
    rate_bound_s: float
    noop_calls: int
    refused: int
    in_sandbox: list[str]  # the references (or numbers) of the sandbox's invoices

    def figures(self) -> dict[str, Any]:
        from accounting.models import Entity, ExternalRef

        pushed = [r for r in self.in_sandbox if r.startswith("INV-")]
        linked = ExternalRef.objects.filter(entity=Entity.INVOICE, state="linked").count()
        bound = self.rate_bound_s
        return {
            "invoices": INVOICES,
            "customers": CUSTOMERS,
            "status": self.push.run.status,
            "invoices_linked": linked,
            "invoices_in_sandbox": len(pushed),
            "duplicates_in_sandbox": len(pushed) - len(set(pushed)),
            "calls": self.calls,
            "min_calls": self.min_calls,
            "calls_ratio": round(self.calls / self.min_calls, 3),
            "wall_s": round(self.push.wall_s, 2),
            "rate_bound_s": round(bound, 2),
            "wall_ratio": round(self.push.wall_s / bound, 3) if bound else None,
            "sum_call_s": round(sum(s for _, _, s in self.push.timings), 2),
            "noop_sync_calls": self.noop_calls,
            "noop_sync_s": round(self.quiet.wall_s, 2),
            "noop_status": self.quiet.run.status,
            "entity_types": len(Entity),
            "self_inflicted_429": self.refused,
            "sandbox_clock_scale": 1.0,
            "sandbox": SANDBOX_SERVER,
        }
