"""The public provider status page: no sign-in, nothing of any organisation's, shared
by every visitor, so a short public cache is safe."""

from __future__ import annotations

from datetime import UTC

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from status import page

# As often as the beat task recomputes the figures: a cached copy is at most one behind.
CACHE_SECONDS = 60


@require_GET
@cache_control(public=True, max_age=CACHE_SECONDS)
def status_page(request: HttpRequest) -> HttpResponse:
    # Times in UTC for everyone: a signed-in visitor's organisation's zone would make
    # the shared page differ by visitor.
    with timezone.override(UTC):
        return render(request, "status/page.html", {"page": page.build(timezone.now())})
