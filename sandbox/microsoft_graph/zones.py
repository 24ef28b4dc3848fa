"""The time zones the sandbox accepts in a dateTimeTimeZone: Windows names and a few
IANA names, each with the IANA zone it converts with. Graph accepts Windows names and
a listed subset of IANA names (https://learn.microsoft.com/graph/api/resources/datetimetimezone);
anything else is refused with 400."""

from __future__ import annotations

from zoneinfo import ZoneInfo

WINDOWS = {
    "UTC": "UTC",
    "GMT Standard Time": "Europe/London",
    "W. Europe Standard Time": "Europe/Berlin",
    "Romance Standard Time": "Europe/Paris",
    "Central Europe Standard Time": "Europe/Budapest",
    "E. Europe Standard Time": "Europe/Chisinau",
    "FLE Standard Time": "Europe/Kiev",
    "Eastern Standard Time": "America/New_York",
    "Central Standard Time": "America/Chicago",
    "Mountain Standard Time": "America/Denver",
    "Pacific Standard Time": "America/Los_Angeles",
    "AUS Eastern Standard Time": "Australia/Sydney",
    "New Zealand Standard Time": "Pacific/Auckland",
    "Tokyo Standard Time": "Asia/Tokyo",
    "Line Islands Standard Time": "Pacific/Kiritimati",
    "Dateline Standard Time": "Etc/GMT+12",
}
IANA = frozenset(WINDOWS.values()) - {"Etc/GMT+12", "Europe/Chisinau"}


def zone(name: str) -> ZoneInfo | None:
    if name in WINDOWS:
        return ZoneInfo(WINDOWS[name])
    if name in IANA:
        return ZoneInfo(name)
    return None
