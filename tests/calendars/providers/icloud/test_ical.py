import datetime as dt
from zoneinfo import ZoneInfo

import icalendar

from calendars.event import EventDraft
from calendars.providers.icloud.ical import fingerprint, to_ical

BERLIN = ZoneInfo("Europe/Berlin")
STAMP = dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC)


def timed(**changes: object) -> EventDraft:
    fields: dict[str, object] = {
        "uid": "pb-4c1f0a9d",
        "title": "Load-in: Main Stage",
        "start": dt.datetime(2026, 6, 12, 6, tzinfo=dt.UTC),
        "end": dt.datetime(2026, 6, 12, 16, tzinfo=dt.UTC),
        "time_zone": "Europe/Berlin",
        "description": "Bring the truck; gate 3",
        "location": "Festival Park, Berlin",
        "url": "https://patchbay.example/projects/42",
    }
    return EventDraft(**{**fields, **changes})  # type: ignore[arg-type]


def parsed(draft: EventDraft) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(to_ical(draft, stamp=STAMP))


def test_a_timed_event_is_written_in_the_organisations_zone_with_its_vtimezone():
    text = to_ical(timed(), stamp=STAMP)
    assert "DTSTART;TZID=Europe/Berlin:20260612T080000" in text
    assert "DTEND;TZID=Europe/Berlin:20260612T180000" in text
    zones = [zone["TZID"] for zone in parsed(timed()).walk("VTIMEZONE")]
    assert zones == ["Europe/Berlin"]


def test_the_vtimezone_itself_places_the_event_at_summer_time():
    calendar = parsed(timed())
    # Read the zone from the VTIMEZONE written, not from this machine's zoneinfo.
    (vtimezone,) = calendar.timezones
    written_zone = vtimezone.to_tz()
    start = calendar.events[0].start
    assert isinstance(start, dt.datetime)
    local_start = start.replace(tzinfo=written_zone)
    assert local_start.utcoffset() == dt.timedelta(hours=2)
    assert local_start.astimezone(dt.UTC) == dt.datetime(2026, 6, 12, 6, tzinfo=dt.UTC)
    winter = dt.datetime(2026, 12, 1, 8, tzinfo=written_zone)
    assert winter.utcoffset() == dt.timedelta(hours=1)


def test_the_event_carries_every_field_and_blocks_time():
    event = parsed(timed()).events[0]
    assert str(event["UID"]) == "pb-4c1f0a9d"
    assert str(event["SUMMARY"]) == "Load-in: Main Stage"
    assert str(event["DESCRIPTION"]) == "Bring the truck; gate 3"
    assert str(event["LOCATION"]) == "Festival Park, Berlin"
    assert str(event["URL"]) == "https://patchbay.example/projects/42"
    assert str(event["TRANSP"]) == "OPAQUE"
    assert event.DTSTAMP == STAMP


def test_an_all_day_event_is_value_date_with_the_exclusive_end_and_no_vtimezone():
    draft = timed(start=dt.date(2026, 6, 12), end=dt.date(2026, 6, 15))
    text = to_ical(draft, stamp=STAMP)
    assert "DTSTART;VALUE=DATE:20260612" in text
    assert "DTEND;VALUE=DATE:20260615" in text
    assert "VTIMEZONE" not in text


def test_no_method_and_one_event_per_resource():
    calendar = parsed(timed())
    assert "METHOD" not in calendar
    assert len(calendar.events) == 1


def test_empty_optional_fields_are_left_out():
    text = to_ical(timed(description="", location="", url=""), stamp=STAMP)
    assert "DESCRIPTION" not in text and "LOCATION" not in text and "URL" not in text


def test_the_fingerprint_ignores_the_stamp_and_follows_every_written_field():
    assert fingerprint(timed()) == fingerprint(timed())
    changed = [
        timed(title="Load-out"),
        timed(end=dt.datetime(2026, 6, 12, 17, tzinfo=dt.UTC)),
        timed(time_zone="Europe/London"),
        timed(location=""),
    ]
    assert len({fingerprint(timed()), *map(fingerprint, changed)}) == 5
