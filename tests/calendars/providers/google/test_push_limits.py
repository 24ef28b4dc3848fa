"""A sync's calls take their places in Google's per-user limit from leases: one Redis
round trip for a second's calls rather than one per call, and the limit's log holds
exactly the calls made once the sync gives back what it did not use."""

from __future__ import annotations

import pytest

from calendars.models import CalendarTarget
from integrations import limiter
from integrations.limiter import KEY_PREFIX, LEASE_CALLS, Limiter, _client
from integrations.models import AuditEntry, SyncRun
from tests.calendars.providers.google.conftest import ACCOUNT, Crew
from tests.calendars.test_sync_calls import shifts, sync
from tests.conftest import Tenants


def minute_log() -> int:
    from django.conf import settings

    return int(_client(settings.REDIS_URL).zcard(f"{KEY_PREFIX}:google-calendar:{ACCOUNT}:minute"))


def test_a_sync_asks_redis_once_for_its_calls_and_the_limit_counts_every_one(
    crew: Crew, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    CalendarTarget.objects.create(
        organisation=tenants.alpha, connection=crew.connection, name="Patchbay"
    )
    shifts(tenants, 11)  # and the project's days: 12 events
    asked: list[int] = []
    real = Limiter.try_acquire

    def spy(
        self: Limiter, holder: str, tag: str = "", *, want: int = 1, ahead_ms: int = 0
    ) -> tuple[int, int]:
        asked.append(want)
        return real(self, holder, tag, want=want, ahead_ms=ahead_ms)

    monkeypatch.setattr(Limiter, "try_acquire", spy)
    monkeypatch.setattr(limiter, "LEASE_SECONDS", 60.0)  # however slow the test server
    logged_before = minute_log()

    run = sync(crew.connection)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    assert run.counts["written"] == 12
    # The calendar insert, the busy read, the writes and the watch: one lease.
    assert asked == [LEASE_CALLS]
    calls = AuditEntry.objects.filter(run=run).count()
    assert calls == 15
    assert minute_log() - logged_before == calls
