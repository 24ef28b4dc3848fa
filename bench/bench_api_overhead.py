"""The invoice list with key authentication and rate limiting, versus without.

Same process, same data, same view code: one side is the real endpoint (key looked
up, both rate-limit windows spent in Redis, scope checked); the other is the same
view with authentication, limits and scopes removed. Requests go straight to the
view (no middleware on either side), so the difference is the API-key machinery.
"""

from __future__ import annotations

import time
from typing import Any

from bench.apiaccess import bench_database

REQUESTS = 500
ROUNDS = 4
INVOICES = 60


def _seed() -> tuple[Any, str]:
    from apikeys import services
    from apikeys.scopes import Preset, preset
    from tenancy.models import Organisation
    from tests import factories

    organisation = Organisation.objects.create(name="Bench Hire", slug="bench-hire-overhead")
    customer = factories.make_customer(organisation)
    for _ in range(INVOICES):
        factories.make_issued_invoice(organisation, customer)
    created = services.create_key(
        organisation, name="bench", scopes=preset(Preset.READ_ONLY), created_by=None
    )
    # Elevated far past what the run sends, so every request does the full check and passes.
    services.set_limits(
        created.key, tier="elevated", actor=None, minute_limit=10**8, hour_limit=10**9
    )
    return organisation, created.secret


def _views(organisation: Any) -> tuple[Any, Any]:
    from rest_framework.permissions import AllowAny

    from api.views.documents import InvoiceViewSet

    class Unguarded(InvoiceViewSet):
        authentication_classes: list[Any] = []
        permission_classes = [AllowAny]

        @property
        def organisation_id(self) -> int:
            return int(organisation.pk)

        def check_permissions(self, request: Any) -> None:  # no key, no limits, no scopes
            pass

    return InvoiceViewSet.as_view({"get": "list"}), Unguarded.as_view({"get": "list"})


def _rps(view: Any, request: Any) -> float:
    started = time.perf_counter()
    for _ in range(REQUESTS):
        response = view(request())
        assert response.status_code == 200
    return REQUESTS / (time.perf_counter() - started)


def _queries(view: Any, request: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        view(request())
    return len(captured)


def run() -> dict[str, Any]:
    with bench_database():
        from django.test import RequestFactory

        organisation, secret = _seed()
        guarded, unguarded = _views(organisation)
        factory = RequestFactory()
        keyed = lambda: factory.get("/api/v1/invoices/", HTTP_AUTHORIZATION=f"Bearer {secret}")  # noqa: E731
        plain = lambda: factory.get("/api/v1/invoices/")  # noqa: E731
        for view, request in ((guarded, keyed), (unguarded, plain)):
            _rps(view, request)  # warm up
        with_key, without = [], []
        for _ in range(ROUNDS):  # interleaved, so drift hits both sides alike
            with_key.append(_rps(guarded, keyed))
            without.append(_rps(unguarded, plain))
        rps_with, rps_without = max(with_key), max(without)
        return {
            "requests_per_side": REQUESTS * ROUNDS,
            "invoices_per_page": min(INVOICES, 50),
            "rps_with": round(rps_with, 1),
            "rps_without": round(rps_without, 1),
            "overhead_ratio": round(rps_without / rps_with, 3),
            "queries_per_request": {
                "with": _queries(guarded, keyed),
                "without": _queries(unguarded, plain),
            },
        }
