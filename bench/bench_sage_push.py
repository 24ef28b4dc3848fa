"""2,000 issued invoices for 200 customers pushed to the Sage sandbox, then a quiet sync.

The sandbox runs as its own server (gunicorn, separate processes) with Sage's limit:
200 calls in any 60 seconds per business, no time scaling. The engine runs in this
process as a worker would, with its Redis rate budget (180 a minute, 4 calls at once).

Figures (the same as xero_push):
- ``calls``: accounting API calls the sync made (the sandbox's own count).
- ``min_calls``: the fewest Sage allows for the same work. Sage has no batch endpoint:
  one POST per contact and per invoice, and one read each of contacts, services and
  payments (a sync must look for what the ledger has new; each fits one page of 200).
- ``rate_bound_s``: the least time Sage's limit allows for those calls, given how long
  the sandbox took to answer each: a minute per 200 calls beyond the first 200, and
  never less than the calls' time spread over Patchbay's 4 at once (Sage publishes no
  concurrency limit). ``wall_ratio`` = ``wall_s`` / ``rate_bound_s``.
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
CONCURRENT = 4  # Patchbay's own: Sage states none
PER_MINUTE = 200  # Sage's
ROOT = Path(__file__).resolve().parent.parent
CALLBACK = "http://testserver/settings/integrations/sage/callback/"


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
        "SANDBOX_SAGE_REDIRECT_URIS": CALLBACK,
        "SANDBOX_SAGE_REQUIRE_BUSINESS_HEADER": "1",
        "PATCHBAY_VAR_DIR": tempfile.mkdtemp(prefix="patchbay-bench-"),
    }
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}"]
    command += ["--workers", "3", "--threads", "2", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok:
                return server
        except requests.RequestException:  # not listening yet, or busy starting up
            time.sleep(0.3)
    server.kill()
    raise RuntimeError("The sandbox server did not start within a minute.")


def _point_at(port: int) -> None:
    from django.conf import settings

    base = f"http://127.0.0.1:{port}/sandbox/sage"
    settings.SAGE_AUTHORIZE_URL = f"{base}/oauth2/auth/central?filter=apiv3.1"
    settings.SAGE_TOKEN_URL = f"{base}/oauth/token"
    settings.SAGE_REVOKE_URL = f"{base}/oauth/revoke"
    settings.SAGE_API_BASE = f"{base}/v3.1"
    settings.SANDBOX_SAGE_REDIRECT_URIS = [CALLBACK]
    settings.ALLOWED_HOSTS = ["*"]


def _world() -> Any:
    """An organisation with its categories, 200 customers and 2,000 issued invoices,
    connected to the sandbox's Demo Hire Ltd (UK) and mapped."""
    from django.test import Client

    from accounting.models import AccountMapping
    from integrations.models import Connection
    from operations import services
    from operations.models import IncomeCategory, TaxCategory
    from sandbox.sage.seed import ensure_demo_world
    from tenancy.models import Membership, Organisation, User
    from tenancy.roles import Role
    from tests.accounting.sage.helpers import BANK_1200, SALES_4000, connect_through_sandbox

    ensure_demo_world()
    organisation = Organisation.objects.create(name="Bench Hire", slug="bench-hire")
    owner = User.objects.create_user(email="bench@bench.test", password=None)
    Membership.objects.create(user=owner, organisation=organisation, role=Role.OWNER)
    tax = TaxCategory.objects.create(
        organisation=organisation, name="VAT 20%", rate=Decimal("20.00")
    )
    income = IncomeCategory.objects.create(organisation=organisation, name="Hire")
    customers = [
        services.create_customer(
            organisation, name=f"Bench customer {n:03}", email=f"c{n}@bench.test"
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
    connect_through_sandbox(client)
    connection = Connection.objects.select_related("organisation").get()
    for kind, local_id, code in (
        (AccountMapping.Kind.INCOME, income.pk, SALES_4000),
        (AccountMapping.Kind.TAX, tax.pk, "GB_STANDARD"),
        (AccountMapping.Kind.PAYMENT_ACCOUNT, 0, BANK_1200),
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
    from sandbox.sage.models import SageApiCall

    return SageApiCall.objects.filter(at__gte=started, path__contains="/v3.1/")


def _rate_bound(durations_s: list[float], calls: int) -> float:
    concurrency = max(sum(durations_s) / CONCURRENT, max(durations_s, default=0.0))
    window = 60.0 * max(0, math.ceil(calls / PER_MINUTE) - 1)
    return max(concurrency, window)


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
    from sandbox.sage import books, inspect
    from sandbox.sage.seed import DEMO_HIRE_UK

    push, wall_s, started = _sync(connection)
    calls = _calls_since(started).count()
    durations = [
        ms / 1000
        for ms in AuditEntry.objects.filter(run=push).values_list("duration_ms", flat=True)
    ]
    quiet, quiet_s, quiet_started = _sync(connection)
    noop_calls = _calls_since(quiet_started).count()
    refused = _calls_since(started).filter(status=429).count()
    min_calls = CUSTOMERS + INVOICES + 3
    rate_bound_s = _rate_bound(durations, min_calls)
    references = [i.reference for i in books.invoices_of(DEMO_HIRE_UK)]
    linked = ExternalRef.objects.filter(entity=Entity.INVOICE, state="linked").count()
    return {
        "invoices": INVOICES,
        "customers": CUSTOMERS,
        "status": push.status,
        "invoices_linked": linked,
        "invoices_in_sandbox": sum(1 for r in references if r.startswith("INV-")),
        "duplicates_in_sandbox": len(references) - len(set(references)),
        "calls": calls,
        "min_calls": min_calls,
        "calls_ratio": round(calls / min_calls, 3),
        "wall_s": round(wall_s, 2),
        "rate_bound_s": round(rate_bound_s, 2),
        "wall_ratio": round(wall_s / rate_bound_s, 3) if rate_bound_s else None,
        "sum_call_s": round(sum(durations), 2),
        "concurrency_limit": CONCURRENT,
        "minute_limit": PER_MINUTE,
        "noop_sync_calls": noop_calls,
        "noop_sync_s": round(quiet_s, 2),
        "noop_status": quiet.status,
        "entity_types": len(Entity),
        "self_inflicted_429": refused,
        "token_refreshes": inspect.count_refreshes(),
        "sandbox_clock_scale": 1.0,
        "sandbox": "gunicorn, 3 processes x 2 threads, same machine",
    }
