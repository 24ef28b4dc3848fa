"""2,000 issued invoices for 200 customers pushed to the QuickBooks sandbox, then a quiet
sync.

The sandbox runs as its own server (gunicorn, separate processes) with Intuit's real
limits: 500 calls a minute per company, 10 a second and 40 batch calls a minute per
company and app, batches of at most 30 operations. The engine runs in this process as a
worker would, with its Redis budget and QuickBooks throttle.

Figures (the same as bench_xero_push):
- ``calls``: accounting API calls the sync made (the sandbox's own count).
- ``min_calls``: the fewest QuickBooks allows for the same work: one batch request per 30
  customers and per 30 invoices, and one read each of customers, items and payments.
- ``rate_bound_s``: the least time the limits allow for those calls, given how long the
  sandbox took to answer each: with at most 5 in flight (the engine's concurrency), the
  sum of the call times over 5 (never less than the longest call, nor than the chain a
  correct sync must respect: customers read, written, then the invoices naming them);
  with 40 batch calls a minute, counted as the sandbox counts them (a call is logged when
  it ends, and only logged calls count when the next one arrives): beyond the first 40
  batches (plus the 4 that may be in flight unseen), the rest wait until a minute after
  the earliest ones ended, so the least is the shortest way to end B - 44 batches, plus
  a minute, plus the shortest batch; with 10 calls a second, a second per 10 calls.
- ``noop_sync_calls``: calls of a second sync with nothing changed.
- ``self_inflicted_429``: 429s the sandbox answered during both syncs.
"""

from __future__ import annotations

import math
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import requests

from bench.apiaccess import bench_database

CUSTOMERS = 200
INVOICES = 2_000
BATCH = 30
CONCURRENT = 5
BATCHES_PER_MINUTE = 40
PER_SECOND = 10
ROOT = Path(__file__).resolve().parent.parent
CALLBACK = "http://testserver/settings/integrations/quickbooks/callback/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_sandbox(database_url: str, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PATCHBAY_ENV": "development",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": database_url,
        "PATCHBAY_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "SANDBOX_QUICKBOOKS_REDIRECT_URIS": CALLBACK,
        "SANDBOX_QUICKBOOKS_WEBHOOK_URL": "",  # webhooks are not what this measures
        "SANDBOX_QUICKBOOKS_DISCONNECT_URL": "",
        "PATCHBAY_VAR_DIR": tempfile.mkdtemp(prefix="patchbay-bench-"),
    }
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}"]
    command += ["--workers", "3", "--threads", "2", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
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


def _point_at(port: int) -> None:
    from django.conf import settings

    base = f"http://127.0.0.1:{port}/sandbox/quickbooks"
    settings.QUICKBOOKS_AUTHORIZE_URL = f"{base}/connect/oauth2"
    settings.QUICKBOOKS_TOKEN_URL = f"{base}/oauth2/v1/tokens/bearer"
    settings.QUICKBOOKS_REVOCATION_URL = f"{base}/v2/oauth2/tokens/revoke"
    settings.QUICKBOOKS_API_BASE = base
    settings.QUICKBOOKS_SANDBOX_API_BASE = base
    settings.SANDBOX_QUICKBOOKS_REDIRECT_URIS = [CALLBACK]
    settings.SANDBOX_QUICKBOOKS_WEBHOOK_URL = ""
    settings.SANDBOX_QUICKBOOKS_DISCONNECT_URL = ""
    settings.ALLOWED_HOSTS = ["*"]


def _world() -> Any:
    """An organisation with its categories, 200 customers and 2,000 issued invoices,
    connected to the sandbox's Harbour Hire Co (US) and mapped."""
    from django.test import Client

    from accounting.models import AccountMapping
    from integrations.models import Connection
    from operations import services
    from operations.models import IncomeCategory, TaxCategory
    from sandbox.quickbooks import books
    from sandbox.quickbooks.seed import US_REALM, ensure_demo_world
    from tenancy.models import Membership, Organisation, User
    from tenancy.roles import Role
    from tests.accounting.quickbooks.helpers import connect

    ensure_demo_world()
    organisation = Organisation.objects.create(name="Bench Hire", slug="bench-hire")
    owner = User.objects.create_user(email="bench@bench.test", password=None)
    Membership.objects.create(user=owner, organisation=organisation, role=Role.OWNER)
    tax = TaxCategory.objects.create(organisation=organisation, name="Sales tax", rate=Decimal(0))
    income = IncomeCategory.objects.create(organisation=organisation, name="Hire")
    customers = [
        services.create_customer(
            organisation, name=f"Bench customer {n:03}", email=f"c{n}@bench.test", currency="USD"
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
    client = Client()
    client.force_login(owner)
    connect(client, US_REALM)
    connection = Connection.objects.select_related("organisation").get()
    item = books.entity_json(US_REALM, "Item", "1")
    deposit = next(
        row for row in books._rows(US_REALM, "Account") if row.data["Name"] == "Undeposited Funds"
    )
    for kind, local_id, code in (
        (AccountMapping.Kind.INCOME, income.pk, f"1:{item['IncomeAccountRef']['value']}"),
        (AccountMapping.Kind.TAX, tax.pk, "TAX"),
        (AccountMapping.Kind.PAYMENT_ACCOUNT, 0, deposit.entity_id),
    ):
        AccountMapping.objects.create(
            organisation=organisation,
            connection=connection,
            kind=kind,
            local_id=local_id,
            remote_code=code,
        )
    return connection


def _calls_since(started: Any) -> Any:
    from sandbox.quickbooks.models import QboApiCall

    return QboApiCall.objects.filter(at__gte=started, path__contains="/v3/company/")


def _least(durations: list[float]) -> float:
    """The least time some calls can take with at most 5 in flight."""
    return max(sum(durations) / CONCURRENT, max(durations, default=0.0))


def _rate_bound(calls: list[tuple[str, str, float]]) -> float:
    durations = [seconds for _, _, seconds in calls]

    def of(entity: str, method: str) -> list[float]:
        return [s for e, m, s in calls if e == entity and m == method]

    chain = (
        max(of("customer", "GET"), default=0.0)
        + _least(of("customer", "POST"))
        + _least(of("invoice", "POST"))
    )
    batch_times = sorted(s for _, method, s in calls if method == "POST")
    before_wait = len(batch_times) - BATCHES_PER_MINUTE - (CONCURRENT - 1)
    batch_window = 0.0
    if before_wait > 0:
        first_read = max(of("customer", "GET"), default=0.0)
        batch_window = first_read + _least(batch_times[:before_wait]) + 60.0 + batch_times[0]
    second_window = 1.0 * max(0, math.ceil(len(calls) / PER_SECOND) - 1)
    return max(_least(durations), chain, batch_window, second_window)


def _sync(connection: Any) -> tuple[Any, float, Any]:
    from django.utils import timezone

    from accounting.engine.sync import run_sync
    from integrations.models import Connection

    fresh = Connection.objects.select_related("organisation").get(pk=connection.pk)
    started = timezone.now() - timedelta(milliseconds=5)
    clock = time.perf_counter()
    run = run_sync(fresh, "manual")
    return run, time.perf_counter() - clock, started


def _clear_budgets() -> None:
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter("patchbay:budget:*"))
    if keys:
        client.delete(*keys)


def run() -> dict[str, Any]:
    with bench_database() as database_url:
        port = _free_port()
        server = _start_sandbox(database_url, port)
        try:
            _point_at(port)
            connection = _world()
            _clear_budgets()
            return _measure(connection)
        finally:
            server.terminate()
            server.wait(timeout=30)


def _measure(connection: Any) -> dict[str, Any]:
    from accounting.models import AuditEntry, Entity, ExternalRef
    from sandbox.quickbooks import books
    from sandbox.quickbooks.seed import US_REALM

    push, wall_s, started = _sync(connection)
    calls = _calls_since(started).count()
    timings = AuditEntry.objects.filter(run=push).values_list("entity", "method", "duration_ms")
    made = [(entity, method, ms / 1000) for entity, method, ms in timings]
    quiet, quiet_s, quiet_started = _sync(connection)
    noop_calls = _calls_since(quiet_started).count()
    refused = _calls_since(started).filter(status=429).count()
    min_calls = math.ceil(CUSTOMERS / BATCH) + math.ceil(INVOICES / BATCH) + 3
    rate_bound_s = _rate_bound(made)
    numbers = {str(row.data.get("DocNumber")) for row in books.invoices_of(US_REALM)}
    linked = ExternalRef.objects.filter(entity=Entity.INVOICE, state="linked").count()
    return {
        "invoices": INVOICES,
        "customers": CUSTOMERS,
        "status": push.status,
        "invoices_linked": linked,
        "invoices_in_sandbox": sum(1 for n in numbers if n.startswith("INV-")),
        "calls": calls,
        "min_calls": min_calls,
        "calls_ratio": round(calls / min_calls, 3),
        "wall_s": round(wall_s, 2),
        "rate_bound_s": round(rate_bound_s, 2),
        "wall_ratio": round(wall_s / rate_bound_s, 3) if rate_bound_s else None,
        "sum_call_s": round(sum(s for _, _, s in made), 2),
        "concurrency_limit": CONCURRENT,
        "minute_limit": 500,
        "batch_minute_limit": BATCHES_PER_MINUTE,
        "second_limit": PER_SECOND,
        "noop_sync_calls": noop_calls,
        "noop_sync_s": round(quiet_s, 2),
        "noop_status": quiet.status,
        "entity_types": len(Entity),
        "self_inflicted_429": refused,
        "sandbox_clock_scale": 1.0,
        "sandbox": "gunicorn, 3 processes x 2 threads, same machine",
    }
