"""Times on the API's wire and the clock records are stamped with.

MetaData times are ISO 8601 to the second with the UTC offset of Intuit's servers
("2026-05-04T02:15:01-07:00" in Intuit's samples); the envelope's `time` carries
milliseconds. Query literals and CDC's changedSince may come with or without an offset;
without one they are read in the same zone. SANDBOX_QUICKBOOKS_TIMEZONE sets the zone.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from sandbox.quickbooks import conf


def zone() -> ZoneInfo:
    return ZoneInfo(str(conf.get("TIMEZONE")))


def stamp() -> datetime:
    """Now, to the second: LastUpdatedTime round-trips exactly through the wire format."""
    return timezone.now().replace(microsecond=0)


def wire(moment: datetime) -> str:
    """A MetaData time: 2026-05-04T02:15:01-07:00."""
    return moment.astimezone(zone()).replace(microsecond=0).isoformat()


def envelope_time() -> str:
    """The `time` of a response envelope: 2026-05-04T02:15:01.512-07:00."""
    return timezone.now().astimezone(zone()).isoformat(timespec="milliseconds")


def today() -> date:
    return timezone.now().astimezone(zone()).date()


def parse_moment(raw: str) -> datetime | None:
    """A query literal or changedSince: a date, or a date-time with or without offset."""
    raw = raw.strip()
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone())


def parse_day(raw: object) -> date | None:
    if not isinstance(raw, str):
        return None
    try:
        return date.fromisoformat(raw.strip()[:10])
    except ValueError:
        return None
