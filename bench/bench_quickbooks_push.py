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
from decimal import Decimal
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

BATCH = 30
CONCURRENT = 5
BATCHES_PER_MINUTE = 40
PER_SECOND = 10
CALLBACK = "http://testserver/settings/integrations/quickbooks/callback/"


def _point_at(port: int) -> None:
    from django.conf import settings

    base = f"http://127.0.0.1:{port}/sandbox/quickbooks"
    settings.QUICKBOOKS_AUTHORIZE_URL = f"{base}/connect/oauth2"
    settings.QUICKBOOKS_TOKEN_URL = f"{base}/oauth2/v1/tokens/bearer"
    settings.QUICKBOOKS_REVOCATION_URL = f"{base}/v2/oauth2/tokens/revoke"
    settings.QUICKBOOKS_ISSUER = f"{base}/op/v1"
    settings.QUICKBOOKS_JWKS_URL = f"{base}/op/v1/jwks"
    settings.QUICKBOOKS_API_BASE = base
    settings.QUICKBOOKS_SANDBOX_API_BASE = base
    settings.SANDBOX_QUICKBOOKS_REDIRECT_URIS = [CALLBACK]
    settings.SANDBOX_QUICKBOOKS_WEBHOOK_URL = ""
    settings.SANDBOX_QUICKBOOKS_DISCONNECT_URL = ""
    settings.ALLOWED_HOSTS = ["*"]


def _world() -> Any:
    """The benchmark's organisation (in USD) connected to the sandbox's Harbour Hire Co
    (US), mapped."""
    from accounting.models import AccountMapping
    from integrations.models import Connection
    from sandbox.quickbooks import books
    from sandbox.quickbooks.seed import US_REALM, ensure_demo_world
    from tests.accounting.providers.quickbooks.helpers import connect

    ensure_demo_world()
    _, owner, tax, income = bench_organisation(currency="USD", tax_rate=Decimal(0))
    connect(signed_in(owner), US_REALM)
    connection = Connection.objects.select_related("organisation").get()
    item = books.entity_json(US_REALM, "Item", "1")
    deposit = next(
        row for row in books._rows(US_REALM, "Account") if row.data["Name"] == "Undeposited Funds"
    )
    map_accounts(
        connection,
        [
            (AccountMapping.Kind.INCOME, income.pk, f"1:{item['IncomeAccountRef']['value']}"),
            (AccountMapping.Kind.TAX, tax.pk, "TAX"),
            (AccountMapping.Kind.PAYMENT_ACCOUNT, 0, deposit.entity_id),
        ],
    )
    return connection


def _calls_since(started: Any) -> Any:
    from sandbox.quickbooks.models import QboApiCall

    return QboApiCall.objects.filter(at__gte=started, path__contains="/v3/company/")


def _rate_bound(calls: list[tuple[str, str, float]]) -> float:
    durations = [seconds for _, _, seconds in calls]

    def of(entity: str, method: str) -> list[float]:
        return [s for e, m, s in calls if e == entity and m == method]

    chain = (
        max(of("customer", "GET"), default=0.0)
        + least(of("customer", "POST"), CONCURRENT)
        + least(of("invoice", "POST"), CONCURRENT)
    )
    batch_times = sorted(s for _, method, s in calls if method == "POST")
    before_wait = len(batch_times) - BATCHES_PER_MINUTE - (CONCURRENT - 1)
    batch_window = 0.0
    if before_wait > 0:
        first_read = max(of("customer", "GET"), default=0.0)
        batch_window = (
            first_read + least(batch_times[:before_wait], CONCURRENT) + 60.0 + batch_times[0]
        )
    second_window = 1.0 * max(0, math.ceil(len(calls) / PER_SECOND) - 1)
    return max(least(durations, CONCURRENT), chain, batch_window, second_window)


def _measure(connection: Any) -> dict[str, Any]:
    from sandbox.quickbooks import books
    from sandbox.quickbooks.seed import US_REALM

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
        in_sandbox=[str(row.data.get("DocNumber")) for row in books.invoices_of(US_REALM)],
    )
    return measured.figures() | {
        "concurrency_limit": CONCURRENT,
        "minute_limit": 500,
        "batch_minute_limit": BATCHES_PER_MINUTE,
        "second_limit": PER_SECOND,
    }


def run() -> dict[str, Any]:
    env = {
        "SANDBOX_QUICKBOOKS_REDIRECT_URIS": CALLBACK,
        "SANDBOX_QUICKBOOKS_WEBHOOK_URL": "",  # webhooks are not what this measures
        "SANDBOX_QUICKBOOKS_DISCONNECT_URL": "",
    }
    return serve_and_measure(env, _point_at, _world, _measure)
