"""2,000 issued invoices for 200 customers pushed to the Xero sandbox, then a quiet sync.

The sandbox runs as its own server (gunicorn, separate processes) with Xero's real
limits: 60 calls a minute, 5,000 a day per organisation, no time scaling. The engine
runs in this process as a worker would, with its Redis rate budget (5 calls at once).

Figures:
- ``calls``: accounting API calls the sync made (the sandbox's own count).
- ``min_calls``: the fewest Xero allows for the same work: one PUT per 50 contacts and
  per 50 invoices, and one read each of contacts, items and payments (a sync must look
  for what the ledger has new; each fits one page of 1,000).
- ``rate_bound_s``: the least time Xero's limits allow for those calls, given how long
  the sandbox took to answer each: with at most 5 in flight, the sum of the call times
  over 5 (never less than the longest call, nor than the chain a correct sync must
  respect: contacts read, then written, then the invoices that name them); with 60 a
  minute, a minute per 60 calls beyond the first 60. ``wall_ratio`` = ``wall_s`` /
  ``rate_bound_s``: 1.0 would be a client that keeps every allowed slot busy and costs
  nothing itself.
- ``noop_sync_calls``: calls of a second sync with nothing changed.
- ``self_inflicted_429``: 429s the sandbox answered during both syncs.
"""

from __future__ import annotations

import math
from typing import Any

from bench.accounting_push import (
    CUSTOMERS,
    INVOICES,
    Measured,
    bench_organisation,
    least,
    map_accounts,
    serve_and_measure,
    signed_in,
    sync,
)

BATCH = 50
CONCURRENT = 5
PER_MINUTE = 60
CALLBACK = "http://testserver/settings/integrations/xero/callback/"


def _point_at(port: int) -> None:
    from django.conf import settings

    base = f"http://127.0.0.1:{port}/sandbox/xero"
    settings.XERO_AUTHORIZE_URL = f"{base}/identity/connect/authorize"
    settings.XERO_TOKEN_URL = f"{base}/identity/connect/token"
    settings.XERO_REVOCATION_URL = f"{base}/identity/connect/revocation"
    settings.XERO_CONNECTIONS_URL = f"{base}/connections"
    settings.XERO_API_BASE = f"{base}/api.xro/2.0"
    settings.SANDBOX_XERO_REDIRECT_URIS = [CALLBACK]
    settings.ALLOWED_HOSTS = ["*"]


def _world() -> Any:
    """The benchmark's organisation connected to the sandbox's Demo Company (UK), mapped."""
    _, owner, tax, income = bench_organisation()
    return connect_and_map(owner, tax, income)


def connect_and_map(owner: Any, tax: Any, income: Any) -> Any:
    """``owner``'s organisation connected to the sandbox's Demo Company (UK), its tax and
    income categories and payments account mapped. Returns the connection."""
    from accounting.models import AccountMapping
    from integrations.models import Connection
    from sandbox.xero.seed import ensure_demo_world
    from tests.accounting.providers.xero.sandbox_flow import connect_through_sandbox

    ensure_demo_world()
    connect_through_sandbox(signed_in(owner))
    connection = Connection.objects.select_related("organisation").get()
    map_accounts(
        connection,
        [
            (AccountMapping.Kind.INCOME, income.pk, "200"),
            (AccountMapping.Kind.TAX, tax.pk, "OUTPUT2"),
            (AccountMapping.Kind.PAYMENT_ACCOUNT, 0, "090"),
        ],
    )
    return connection


def _calls_since(started: Any) -> Any:
    from sandbox.xero.models import XeroApiCall

    return XeroApiCall.objects.filter(at__gte=started, path__contains="/api.xro/2.0/")


def _rate_bound(calls: list[tuple[str, str, float]]) -> float:
    """The least time Xero's limits allow for these calls, in any order a correct sync
    could make them: contacts must be read before they are written, and written before
    the invoices that name them; everything else may share the free slots."""
    durations = [seconds for _, _, seconds in calls]

    def of(entity: str, method: str) -> list[float]:
        return [s for e, m, s in calls if e == entity and m == method]

    chain = (
        max(of("customer", "GET"), default=0.0)
        + least(of("customer", "PUT"), CONCURRENT)
        + least(of("invoice", "PUT"), CONCURRENT)
    )
    window = 60.0 * max(0, math.ceil(len(calls) / PER_MINUTE) - 1)
    return max(least(durations, CONCURRENT), chain, window)


def _measure(connection: Any) -> dict[str, Any]:
    from sandbox.xero import books
    from sandbox.xero.seed import DEMO_COMPANY_UK

    push = sync(connection)
    quiet = sync(connection)
    measured = Measured(
        push=push,
        quiet=quiet,
        calls=_calls_since(push.started).filter(at__lt=quiet.started).count(),
        min_calls=math.ceil(CUSTOMERS / BATCH) + math.ceil(INVOICES / BATCH) + 3,
        rate_bound_s=_rate_bound(push.timings),
        noop_calls=_calls_since(quiet.started).count(),
        refused=_calls_since(push.started).filter(status=429).count(),
        in_sandbox=[i.reference for i in books.invoices_of(DEMO_COMPANY_UK)],
    )
    return measured.figures() | {"concurrency_limit": CONCURRENT, "minute_limit": PER_MINUTE}


def run() -> dict[str, Any]:
    env = {"SANDBOX_XERO_REDIRECT_URIS": CALLBACK}
    return serve_and_measure(env, _point_at, _world, _measure)
