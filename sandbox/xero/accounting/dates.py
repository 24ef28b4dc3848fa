"""Dates on the accounting API's wire, and the clock its records are stamped with.

Responses carry Microsoft JSON dates with an offset ("/Date(1573755038314+0000)/") and,
for invoices, credit notes and payments, ISO strings beside them (DateString,
UpdatedDateUTCString). Requests send Date and DueDate as YYYY-MM-DD.
https://developer.xero.com/documentation/api/accounting/requests-and-responses
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime

from django.utils import timezone

MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def stamp() -> datetime:
    """Now, to the millisecond: UpdatedDateUTC round-trips exactly through /Date(ms)/."""
    now = timezone.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def today() -> date:
    return timezone.now().astimezone(UTC).date()


def ms(value: datetime) -> str:
    """A timestamp field such as UpdatedDateUTC: /Date(ms+0000)/."""
    return f"/Date({int(value.timestamp() * 1000)}+0000)/"


def ms_day(value: date) -> str:
    """A calendar date such as Date or DueDate: midnight UTC of that day."""
    return ms(datetime.combine(value, time(), tzinfo=UTC))


def day_string(value: date) -> str:
    """DateString and DueDateString: "2019-03-11T00:00:00"."""
    return f"{value.isoformat()}T00:00:00"


def utc_string(value: datetime) -> str:
    """UpdatedDateUTCString: "2019-03-11T17:58:46Z"."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_day(raw: str) -> date | None:
    """A request's Date: "2026-05-04", "2026-05-04T00:00:00" or a /Date(ms)/ value."""
    raw = raw.strip()
    found = MS_DATE.match(raw)
    if found:
        return datetime.fromtimestamp(int(found[1]) / 1000, UTC).date()
    try:
        return datetime.fromisoformat(raw).date() if "T" in raw else date.fromisoformat(raw)
    except ValueError:
        return None


def parse_since(raw: str) -> datetime | None:
    """If-Modified-Since: ISO 8601 (the spec's example, "2020-02-06T12:17:43.202-08:00")
    or an HTTP date. A value without an offset is UTC."""
    raw = raw.strip()
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        try:
            moment = parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
