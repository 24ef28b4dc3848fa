"""Rate limits as the emulated providers count them: windows over the calls the sandbox
recorded, so every process agrees; calls refused with 429 do not count."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from sandbox.core.models import ApiCall


@dataclass(frozen=True)
class Window:
    """At most `limit` of the `calls` within `span` (None: since the start of the
    calendar month, UTC); a limit of 0 or less is off. `header` names the response
    header that tells what is left, for a provider that sends one."""

    name: str
    limit: int
    span: timedelta | None
    calls: Q
    model: type[ApiCall]
    header: str = ""

    def used(self) -> int:
        return self._recent().count()

    def exhausted(self, used: int | None = None) -> bool:
        return self.limit > 0 and (self.used() if used is None else used) >= self.limit

    def retry_after(self) -> int:
        """Seconds until the oldest counted call leaves the window (at least 1)."""
        oldest: datetime | None = self._recent().aggregate(oldest=Min("at"))["oldest"]
        if oldest is None or self.span is None:
            return 1
        return max(1, math.ceil((oldest + self.span - timezone.now()).total_seconds()))

    def _recent(self) -> QuerySet[ApiCall]:
        now = timezone.now()
        since = (
            now - self.span
            if self.span is not None
            else now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        )
        rows = self.model._default_manager.filter(self.calls, at__gt=since)
        return rows.exclude(status=429)
