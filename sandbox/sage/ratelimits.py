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

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse

from sandbox.core.ratelimits import Window
from sandbox.sage import errors
from sandbox.sage.models import SageApiCall


def over_limit(business: str) -> HttpResponse | None:
    """A 429 if the business has spent its calls for the last 60 seconds."""
    limit = int(settings.SANDBOX_SAGE_MINUTE_LIMIT)
    window = Window("minute", limit, timedelta(minutes=1), Q(business=business), SageApiCall)
    return throttled(window.retry_after()) if window.exhausted() else None


def throttled(retry_after: int) -> HttpResponse:
    response = errors.too_many_requests()
    if settings.SANDBOX_SAGE_SEND_RETRY_AFTER:
        response["Retry-After"] = str(retry_after)
    return response
