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

CONCURRENT = 4  # Patchbay's own: Sage states none
PER_MINUTE = 200  # Sage's
CALLBACK = "http://testserver/settings/integrations/sage/callback/"


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
    """The benchmark's organisation connected to the sandbox's Demo Hire Ltd (UK), mapped."""
    from accounting.models import AccountMapping
    from integrations.models import Connection
    from sandbox.sage.seed import ensure_demo_world
    from tests.accounting.providers.sage.helpers import (
        BANK_1200,
        SALES_4000,
        connect_through_sandbox,
    )

    ensure_demo_world()
    _, owner, tax, income = bench_organisation()
    connect_through_sandbox(signed_in(owner))
    connection = Connection.objects.select_related("organisation").get()
    map_accounts(
        connection,
        [
            (AccountMapping.Kind.INCOME, income.pk, SALES_4000),
            (AccountMapping.Kind.TAX, tax.pk, "GB_STANDARD"),
            (AccountMapping.Kind.PAYMENT_ACCOUNT, 0, BANK_1200),
        ],
    )
    return connection


def _calls_since(started: Any) -> Any:
    from sandbox.sage.models import SageApiCall

    return SageApiCall.objects.filter(at__gte=started, path__contains="/v3.1/")


def _rate_bound(durations_s: list[float], calls: int) -> float:
    window = 60.0 * max(0, math.ceil(calls / PER_MINUTE) - 1)
    return max(least(durations_s, CONCURRENT), window)


def _measure(connection: Any) -> dict[str, Any]:
    from sandbox.sage import books, inspect
    from sandbox.sage.seed import DEMO_HIRE_UK

    push = sync(connection)
    quiet = sync(connection)
    min_calls = CUSTOMERS + INVOICES + 3
    measured = Measured(
        push=push,
        quiet=quiet,
        calls=_calls_since(push.started).filter(at__lt=quiet.started).count(),
        min_calls=min_calls,
        rate_bound_s=_rate_bound([s for _, _, s in push.timings], min_calls),
        noop_calls=_calls_since(quiet.started).count(),
        refused=_calls_since(push.started).filter(status=429).count(),
        in_sandbox=[i.reference for i in books.invoices_of(DEMO_HIRE_UK)],
    )
    return measured.figures() | {
        "concurrency_limit": CONCURRENT,
        "minute_limit": PER_MINUTE,
        "token_refreshes": inspect.count_refreshes(),
    }


def run() -> dict[str, Any]:
    env = {
        "SANDBOX_SAGE_REDIRECT_URIS": CALLBACK,
        "SANDBOX_SAGE_REQUIRE_BUSINESS_HEADER": "1",
    }
    return serve_and_measure(env, _point_at, _world, _measure)
