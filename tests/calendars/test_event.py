import datetime as dt

import pytest

from calendars.event import EventDraft, InvalidEvent

BERLIN = "Europe/Berlin"
START = dt.datetime(2026, 6, 12, 8, tzinfo=dt.UTC)


def draft(**changes: object) -> EventDraft:
    fields: dict[str, object] = {
        "uid": "pb-4c1f0a9d",
        "title": "Load-in",
        "start": START,
        "end": START + dt.timedelta(hours=10),
        "time_zone": BERLIN,
    }
    return EventDraft(**{**fields, **changes})  # type: ignore[arg-type]


def test_a_timed_and_an_all_day_event_are_accepted():
    assert not draft().all_day
    assert draft(start=dt.date(2026, 6, 12), end=dt.date(2026, 6, 15)).all_day


@pytest.mark.parametrize(
    "uid", ["", "PB-1", "pb_1", "pb-1@patchbay.example", "pb-", "-pb", "a" * 201]
)
def test_a_uid_that_is_not_a_safe_file_name_is_refused(uid):
    with pytest.raises(InvalidEvent, match="uid"):
        draft(uid=uid)


def test_floating_times_are_refused():
    with pytest.raises(InvalidEvent, match="aware"):
        draft(start=dt.datetime(2026, 6, 12, 8), end=dt.datetime(2026, 6, 12, 18))


def test_a_date_with_a_datetime_is_refused():
    with pytest.raises(InvalidEvent, match="both"):
        draft(start=dt.date(2026, 6, 12))


@pytest.mark.parametrize("end", [START, START - dt.timedelta(minutes=1)])
def test_an_end_not_after_the_start_is_refused(end):
    with pytest.raises(InvalidEvent, match="after the start"):
        draft(end=end)


def test_an_all_day_event_ends_the_day_after_at_the_earliest():
    with pytest.raises(InvalidEvent, match="after the start"):
        draft(start=dt.date(2026, 6, 12), end=dt.date(2026, 6, 12))


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../etc/passwd"])
def test_an_unknown_time_zone_is_refused(zone):
    with pytest.raises(InvalidEvent, match="IANA"):
        draft(time_zone=zone)
