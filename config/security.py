"""The Content-Security-Policy header (Django 5.2 has none built in).

The policy is one static string from ``settings.SECURE_CSP``, a mapping of
directive to sources in the shape Django 6.0's own ``SECURE_CSP`` takes, so the
built-in middleware can replace this one without a settings change. Pages need
no inline script or style (tests/config/test_security_headers.py scans every
template), so no nonce is needed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"
DEBUG_PAGE_STATUSES = (404, 500)


def policy(directives: Mapping[str, Sequence[str]]) -> str:
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = policy(settings.SECURE_CSP)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header and HEADER not in response.headers and not _debug_page(response):
            response.headers[HEADER] = self.header
        return response


def _debug_page(response: HttpResponse) -> bool:
    # Django's technical 404 and 500 pages (DEBUG only) carry inline script and style.
    return settings.DEBUG and response.status_code in DEBUG_PAGE_STATUSES
