"""Xero's API rate limits, counted from the calls the sandbox recorded.

Per tenant: 60 calls a minute and 5,000 a day; per app: 10,000 a minute across
tenants. Responses carry what is left; an exhausted limit answers 429 with
Retry-After and X-Rate-Limit-Problem. https://developer.xero.com/faq/limits
Tests may lower the limits with SANDBOX_XERO_MINUTE_LIMIT, SANDBOX_XERO_DAY_LIMIT
and SANDBOX_XERO_APP_MINUTE_LIMIT. The concurrent-call limit is not emulated.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min, Q, QuerySet
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from sandbox.xero.models import XeroApiCall

MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)


@dataclass(frozen=True)
class Window:
    problem: str  # the X-Rate-Limit-Problem value
    header: str
    limit: int
    span: timedelta
    calls: Q

    def used(self) -> int:
        return self._recent().count()

    def retry_after(self) -> int:
        oldest: datetime | None = self._recent().aggregate(oldest=Min("at"))["oldest"]
        if oldest is None:
            return 1
        return max(1, math.ceil((oldest + self.span - timezone.now()).total_seconds()))

    def _recent(self) -> QuerySet[XeroApiCall]:
        since = timezone.now() - self.span
        return XeroApiCall.objects.filter(self.calls, at__gt=since).exclude(status=429)


@dataclass(frozen=True)
class Usage:
    window: Window
    used: int

    @property
    def exhausted(self) -> bool:
        return self.used >= self.window.limit


def windows(client_id: str, tenant_id: uuid.UUID | None) -> list[Window]:
    app = Window(
        # Xero's value for the app limit is unconfirmed; "appminute" is a guess.
        "appminute",
        "X-AppMinLimit-Remaining",
        _limit("SANDBOX_XERO_APP_MINUTE_LIMIT", 10_000),
        MINUTE,
        Q(client_id=client_id),
    )
    if tenant_id is None:
        return [app]
    tenant = Q(tenant_id=tenant_id, client_id=client_id)
    day = Window(
        "day", "X-DayLimit-Remaining", _limit("SANDBOX_XERO_DAY_LIMIT", 5_000), DAY, tenant
    )
    minute = Window(
        "minute", "X-MinLimit-Remaining", _limit("SANDBOX_XERO_MINUTE_LIMIT", 60), MINUTE, tenant
    )
    return [day, minute, app]


def usage(client_id: str, tenant_id: uuid.UUID | None) -> list[Usage]:
    return [Usage(window, window.used()) for window in windows(client_id, tenant_id)]


def too_many(usages: list[Usage]) -> HttpResponse | None:
    exhausted = next((item for item in usages if item.exhausted), None)
    if exhausted is None:
        return None
    return throttled(exhausted.window.problem, exhausted.window.retry_after())


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
    for item in usages:
        response[item.window.header] = str(max(item.window.limit - item.used - spent, 0))
    return response


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))
