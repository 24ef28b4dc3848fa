"""Xero's API rate limits (windows over the recorded calls: sandbox/core/ratelimits.py).

Per tenant: 60 calls a minute and 5,000 a day; per app: 10,000 a minute across
tenants. Responses carry what is left; an exhausted limit answers 429 with
Retry-After and X-Rate-Limit-Problem. https://developer.xero.com/faq/limits
Tests may lower the limits with SANDBOX_XERO_MINUTE_LIMIT, SANDBOX_XERO_DAY_LIMIT
and SANDBOX_XERO_APP_MINUTE_LIMIT. The concurrent-call limit is not emulated.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse, JsonResponse

from sandbox.core.ratelimits import Window
from sandbox.xero.models import XeroApiCall

MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
Usage = tuple[Window, int]  # a window and the calls it has counted


def windows(client_id: str, tenant_id: uuid.UUID | None) -> list[Window]:
    # Xero's X-Rate-Limit-Problem value for the app limit is unconfirmed; "appminute" is
    # a guess.
    app = Window(
        "appminute",
        _limit("SANDBOX_XERO_APP_MINUTE_LIMIT", 10_000),
        MINUTE,
        Q(client_id=client_id),
        XeroApiCall,
        "X-AppMinLimit-Remaining",
    )
    if tenant_id is None:
        return [app]
    tenant = Q(tenant_id=tenant_id, client_id=client_id)
    day_limit = _limit("SANDBOX_XERO_DAY_LIMIT", 5_000)
    minute_limit = _limit("SANDBOX_XERO_MINUTE_LIMIT", 60)
    return [
        Window("day", day_limit, DAY, tenant, XeroApiCall, "X-DayLimit-Remaining"),
        Window("minute", minute_limit, MINUTE, tenant, XeroApiCall, "X-MinLimit-Remaining"),
        app,
    ]


def usage(client_id: str, tenant_id: uuid.UUID | None) -> list[Usage]:
    return [(window, window.used()) for window in windows(client_id, tenant_id)]


def too_many(usages: list[Usage]) -> HttpResponse | None:
    exhausted = next((window for window, used in usages if window.exhausted(used)), None)
    return None if exhausted is None else throttled(exhausted.name, exhausted.retry_after())


def throttled(problem: str, retry_after: int) -> HttpResponse:
    # Xero's 429 body is undocumented; the headers are what clients act on.
    response = JsonResponse(
        {"Title": "Too Many Requests", "Status": 429, "Detail": "Rate limit exceeded"}, status=429
    )
    response["Retry-After"] = str(retry_after)
    response["X-Rate-Limit-Problem"] = problem
    return response


def add_headers(response: HttpResponse, usages: list[Usage]) -> HttpResponse:
    spent = 0 if response.status_code == 429 else 1
    for window, used in usages:
        response[window.header] = str(max(window.limit - used - spent, 0))
    return response


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))
