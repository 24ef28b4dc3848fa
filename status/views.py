"""The public provider status page: no sign-in, nothing of any organisation's, the same
for every visitor, so a short cache is safe."""

from __future__ import annotations

from datetime import UTC

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from status import page

# As often as the beat task recomputes the figures: a cached copy is at most one behind.
CACHE_SECONDS = 60


@require_GET
def status_page(request: HttpRequest) -> HttpResponse:
    # Times in UTC for everyone: a signed-in visitor's organisation's zone would make
    # the shared page differ by visitor.
    with timezone.override(UTC):
        response = render(request, "status/page.html", {"page": page.build(timezone.now())})
    # A visitor without cookies gets an answer any cache may share. One with cookies (a
    # signed-in user) may be sent a refreshed session cookie with it: never shared.
    if request.COOKIES:
        patch_cache_control(response, private=True, max_age=CACHE_SECONDS)
    else:
        patch_cache_control(response, public=True, max_age=CACHE_SECONDS)
    return response
