"""Intuit's throttles, counted from the calls the sandbox recorded (429s excluded).

- 500 requests a minute per realm; 10 a second per realm and app;
- batch: 40 a minute per realm and app, 120 a minute per realm;
- optionally the Builder tier's monthly CorePlus allowance (reads) per app.
Over a limit: 429 ThrottleExceeded (3001). https://developer.intuit.com/app/developer/qbo/docs/learn/limits-and-throttles
The 2016 "10 concurrent requests" rule is approximated by the per-second limit.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q

from sandbox.core.ratelimits import Window
from sandbox.quickbooks import conf
from sandbox.quickbooks.models import QboApiCall

READS = ("read", "query", "cdc")
SECOND, MINUTE = timedelta(seconds=1), timedelta(minutes=1)


def windows(client_id: str, realm_id: str, operation: str) -> list[Window]:
    def window(name: str, setting: str, span: timedelta | None, calls: Q) -> Window:
        return Window(name, conf.seconds(setting), span, calls, QboApiCall)

    realm = Q(realm_id=realm_id)
    app_realm = realm & Q(client_id=client_id)
    found = [
        window("second", "SECOND_LIMIT", SECOND, app_realm),
        window("minute", "MINUTE_LIMIT", MINUTE, realm),
    ]
    if operation == "batch":
        batches = Q(operation="batch")
        found += [
            window("batch", "BATCH_MINUTE_LIMIT", MINUTE, app_realm & batches),
            window("batch-realm", "BATCH_REALM_MINUTE_LIMIT", MINUTE, realm & batches),
        ]
    if operation in READS:
        reads = Q(client_id=client_id, operation__in=READS)
        found.append(window("month", "MONTHLY_READ_LIMIT", None, reads))
    return found


def exceeded(client_id: str, realm_id: str, operation: str) -> Window | None:
    return next((w for w in windows(client_id, realm_id, operation) if w.exhausted()), None)
