"""Intuit's limits per company, as data for the shared limiter.
https://developer.intuit.com/app/developer/qbo/docs/learn/limits-and-throttles

500 calls a minute, 10 at once (the 2016 concurrency rule), 10 a second and 40 batch
calls a minute; no daily limit. The second and batch windows count a call until a full
window after it *ends*: QuickBooks may count a slow call when it finishes, so a window
counted from starts would let one call too many through now and then.
"""

from __future__ import annotations

from integrations.limiter import MINUTE_MS, SECOND_MS, Limits, Window, at_once, per_minute

BATCH = "batch"  # the tag of calls to POST /batch

LIMITS = Limits(
    windows=(
        per_minute(500),
        at_once(10),
        Window("second", 10, SECOND_MS, from_end=True),
        Window("batch", 40, MINUTE_MS, from_end=True, only_for=BATCH),
    )
)
