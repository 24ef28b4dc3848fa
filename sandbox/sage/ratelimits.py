"""Sage's per-business rate limit, counted from the calls the sandbox recorded.

"Rate limit of 200 calls in any 60 second period (per Accounting business)" is the v3.0
documentation's figure (https://developer.sage.com/accounting/V3.0_docs/making-an-api-request);
v3.1 documents only the 429 itself
(https://developer.sage.com/accounting/guides/concepts/response_codes). Its headers are
unpublished, so by default a 429 carries none: clients back off on their own.
SANDBOX_SAGE_SEND_RETRY_AFTER adds Retry-After; SANDBOX_SAGE_MINUTE_LIMIT changes the limit.
Calls refused with 429 do not count.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min, QuerySet
from django.http import HttpResponse
from django.utils import timezone

from sandbox.sage import errors
from sandbox.sage.models import SageApiCall

MINUTE = timedelta(minutes=1)


def limit() -> int:
    return int(settings.SANDBOX_SAGE_MINUTE_LIMIT)


def _recent(business: str) -> QuerySet[SageApiCall]:
    since = timezone.now() - MINUTE
    return SageApiCall.objects.filter(business=business, at__gt=since).exclude(status=429)


def over_limit(business: str) -> HttpResponse | None:
    """A 429 if the business has spent its calls for the last 60 seconds."""
    recent = _recent(business)
    if recent.count() < limit():
        return None
    oldest: datetime | None = recent.aggregate(oldest=Min("at"))["oldest"]
    wait = 1 if oldest is None else (oldest + MINUTE - timezone.now()).total_seconds()
    return throttled(max(1, math.ceil(wait)))


def throttled(retry_after: int) -> HttpResponse:
    response = errors.too_many_requests()
    if settings.SANDBOX_SAGE_SEND_RETRY_AFTER:
        response["Retry-After"] = str(retry_after)
    return response
