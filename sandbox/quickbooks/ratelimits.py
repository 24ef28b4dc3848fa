"""Intuit's throttles, counted from the calls the sandbox recorded (429s excluded).

- 500 requests a minute per realm; 10 a second per realm and app;
- batch: 40 a minute per realm and app, 120 a minute per realm;
- optionally the Builder tier's monthly CorePlus allowance (reads) per app.
Over a limit: 429 ThrottleExceeded (3001). https://developer.intuit.com/app/developer/qbo/docs/learn/limits-and-throttles
The 2016 "10 concurrent requests" rule is approximated by the per-second limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from sandbox.quickbooks import conf
from sandbox.quickbooks.models import QboApiCall

READS = ("read", "query", "cdc")


@dataclass(frozen=True)
class Window:
    name: str
    limit: int
    span: timedelta | None  # None: since the start of the calendar month (UTC)
    calls: Q

    def exhausted(self) -> bool:
        if self.limit <= 0:
            return False
        now = timezone.now()
        since = (
            now - self.span
            if self.span is not None
            else now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        )
        rows = QboApiCall.objects.filter(self.calls, at__gt=since).exclude(status=429)
        return rows.count() >= self.limit


def windows(client_id: str, realm_id: str, operation: str) -> list[Window]:
    realm = Q(realm_id=realm_id)
    app_realm = realm & Q(client_id=client_id)
    found = [
        Window("second", conf.seconds("SECOND_LIMIT"), timedelta(seconds=1), app_realm),
        Window("minute", conf.seconds("MINUTE_LIMIT"), timedelta(minutes=1), realm),
    ]
    if operation == "batch":
        batches = Q(operation="batch")
        found += [
            Window(
                "batch",
                conf.seconds("BATCH_MINUTE_LIMIT"),
                timedelta(minutes=1),
                app_realm & batches,
            ),
            Window(
                "batch-realm",
                conf.seconds("BATCH_REALM_MINUTE_LIMIT"),
                timedelta(minutes=1),
                realm & batches,
            ),
        ]
    if operation in READS:
        reads = Q(client_id=client_id, operation__in=READS)
        found.append(Window("month", conf.seconds("MONTHLY_READ_LIMIT"), None, reads))
    return found


def exceeded(client_id: str, realm_id: str, operation: str) -> Window | None:
    return next((w for w in windows(client_id, realm_id, operation) if w.exhausted()), None)
