"""Conditional PUTs and DELETEs against Radicale, asserted on what Radicale stored."""

import datetime as dt

import icalendar
import pytest

from calendars.providers.icloud.errors import CalendarGone, ICloudRateLimited
from calendars.providers.icloud.events import (
    current_etag,
    delete_event,
    event_url,
    list_events,
    put_event,
)
from calendars.providers.icloud.transport import DEFAULT_WAIT
from sandbox.icloud.faults import Seen
from sandbox.icloud.server import ICloudSandbox
from tests.calendars.conftest import APPLE_ID
from tests.calendars.providers.icloud.helpers import (
    draft,
    patchbay_calendar,
    stored,
    stored_titles,
)


def puts(icloud: ICloudSandbox) -> list[Seen]:
    return [seen for seen in icloud.faults.seen if seen.method in ("PUT", "DELETE")]


def test_an_event_is_stored_at_its_uid_with_a_vtimezone_for_its_tzid(icloud, transport):
    calendar = patchbay_calendar(transport)

    written = put_event(transport, calendar, draft())

    assert written.href == event_url(calendar, "pb-4c1f0a9d") == calendar + "pb-4c1f0a9d.ics"
    text = icloud.stored_events(APPLE_ID, "patchbay")["pb-4c1f0a9d.ics"]
    assert "DTSTART;TZID=Europe/Berlin:20260612T080000" in text
    zones = icalendar.Calendar.from_ical(text).walk("VTIMEZONE")
    assert [str(zone["TZID"]) for zone in zones] == ["Europe/Berlin"]
    assert "METHOD" not in text
    assert written.etag == list_events(transport, calendar)["pb-4c1f0a9d"].etag


def test_an_all_day_event_is_stored_as_dates(icloud, transport):
    calendar = patchbay_calendar(transport)

    put_event(transport, calendar, draft(start=dt.date(2026, 6, 12), end=dt.date(2026, 6, 15)))

    event = stored(icloud)["pb-4c1f0a9d.ics"]
    assert (event.start, event.end) == (dt.date(2026, 6, 12), dt.date(2026, 6, 15))
    text = icloud.stored_events(APPLE_ID, "patchbay")["pb-4c1f0a9d.ics"]
    assert "DTSTART;VALUE=DATE:20260612" in text and "VTIMEZONE" not in text


def test_creating_twice_with_one_uid_leaves_one_event_with_the_latest_fields(icloud, transport):
    calendar = patchbay_calendar(transport)
    first = put_event(transport, calendar, draft())

    # A retry after a crash: Patchbay never stored the first ETag.
    second = put_event(transport, calendar, draft(title="Load-in (moved)"))

    assert stored_titles(icloud) == {"pb-4c1f0a9d.ics": "Load-in (moved)"}
    assert second.href == first.href
    conditions = [seen.headers for seen in puts(icloud)]
    assert conditions == [
        {"If-None-Match": "*"},
        {"If-None-Match": "*"},  # 412: it exists, so its ETag is read and it is updated
        {"If-Match": first.etag},
    ]


def test_an_update_with_a_stale_etag_rereads_it_and_writes_once_more(icloud, transport, in_icloud):
    calendar = patchbay_calendar(transport)
    first = put_event(transport, calendar, draft())
    edited = icloud.stored_events(APPLE_ID, "patchbay")["pb-4c1f0a9d.ics"]
    in_icloud.put(first.href, edited.replace("Load-in: Main Stage", "mine now"))  # user edit
    changed = current_etag(transport, first.href)

    result = put_event(transport, calendar, draft(title="Load-in v2"), first.etag)

    assert stored_titles(icloud) == {"pb-4c1f0a9d.ics": "Load-in v2"}
    assert result.etag not in (first.etag, changed)
    assert [seen.headers.get("If-Match") for seen in puts(icloud)][-2:] == [first.etag, changed]


def test_an_update_of_an_event_deleted_in_icloud_creates_it_again(icloud, transport, in_icloud):
    calendar = patchbay_calendar(transport)
    first = put_event(transport, calendar, draft())
    in_icloud.delete(first.href)

    put_event(transport, calendar, draft(title="back"), first.etag)

    assert stored_titles(icloud) == {"pb-4c1f0a9d.ics": "back"}


def test_a_put_answered_without_an_etag_is_followed_by_a_read_of_it(icloud, transport):
    calendar = patchbay_calendar(transport)
    icloud.faults.drop_etags()

    written = put_event(transport, calendar, draft())

    assert written.etag == list_events(transport, calendar)["pb-4c1f0a9d"].etag
    last = icloud.faults.seen[-2:]
    assert [(seen.method, seen.headers.get("Depth")) for seen in last] == [
        ("PROPFIND", "0"),
        ("PROPFIND", "1"),
    ]
    # The ETag read back is good for the next conditional write.
    put_event(transport, calendar, draft(title="v2"), written.etag)
    assert puts(icloud)[-1].headers == {"If-Match": written.etag}
    assert stored_titles(icloud) == {"pb-4c1f0a9d.ics": "v2"}


def test_a_delete_removes_the_event_and_a_second_delete_is_fine(icloud, transport):
    calendar = patchbay_calendar(transport)
    written = put_event(transport, calendar, draft())

    delete_event(transport, calendar, "pb-4c1f0a9d", written.etag)
    delete_event(transport, calendar, "pb-4c1f0a9d", written.etag)  # 404: already gone

    assert stored(icloud) == {}


def test_a_delete_with_a_stale_etag_still_removes_patchbays_event(icloud, transport):
    calendar = patchbay_calendar(transport)
    written = put_event(transport, calendar, draft())
    put_event(transport, calendar, draft(title="v2"), written.etag)

    delete_event(transport, calendar, "pb-4c1f0a9d", written.etag)

    assert stored(icloud) == {}


def test_the_wildcard_if_match_is_never_sent(icloud, transport, in_icloud):
    calendar = patchbay_calendar(transport)
    written = put_event(transport, calendar, draft())
    in_icloud.delete(written.href)
    put_event(transport, calendar, draft(), written.etag)
    delete_event(transport, calendar, "pb-4c1f0a9d", "stale")

    sent = [seen.headers.get("If-Match") for seen in icloud.faults.seen]
    assert "*" not in sent
    assert all("METHOD:" not in seen.body.decode() for seen in puts(icloud))


def test_writing_into_a_deleted_calendar_is_calendar_gone(icloud, transport, in_icloud):
    calendar = patchbay_calendar(transport)
    written = put_event(transport, calendar, draft())
    in_icloud.delete(calendar)

    with pytest.raises(CalendarGone) as raised:
        put_event(transport, calendar, draft(title="v2"), written.etag)
    assert raised.value.url == calendar
    with pytest.raises(CalendarGone):
        put_event(transport, calendar, draft(uid="pb-new"))
    with pytest.raises(CalendarGone):
        list_events(transport, calendar)
    assert icloud.calendars(APPLE_ID) == []


@pytest.mark.parametrize(
    ("status", "header", "wait", "stated"),
    [
        (429, "7", 7.0, True),
        (429, None, DEFAULT_WAIT, False),
        (503, "Wed, 21 Oct 2099 07:28:00 GMT", None, True),
        (503, None, DEFAULT_WAIT, False),
    ],
)
def test_throttling_is_rate_limited_with_the_wait(icloud, transport, status, header, wait, stated):
    calendar = patchbay_calendar(transport)
    icloud.faults.throttle(status, retry_after=header, method="PUT")

    with pytest.raises(ICloudRateLimited) as raised:
        put_event(transport, calendar, draft())

    assert raised.value.stated is stated
    if wait is None:  # an HTTP-date: decades from now
        assert raised.value.retry_after > 365 * 24 * 3600
    else:
        assert raised.value.retry_after == wait
    assert stored(icloud) == {}
    put_event(transport, calendar, draft())  # the next try, after the wait, lands once
    assert list(stored(icloud)) == ["pb-4c1f0a9d.ics"]


def test_an_event_without_an_end_is_refused_by_icloud_but_never_sent(icloud, in_icloud):
    body = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:x\r\n"
        "DTSTAMP:20260101T000000Z\r\nDTSTART:20260612T080000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    url = icloud.faults.home_url(APPLE_ID) + "x.ics"

    assert in_icloud.put(url, body).status_code == 403
