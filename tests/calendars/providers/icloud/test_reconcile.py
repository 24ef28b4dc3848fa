"""The reconcile pass: the plan on its own, then whole passes against Radicale."""

from collections.abc import Iterable

from calendars.event import EventDraft
from calendars.providers.icloud.events import RemoteEvent, list_events
from calendars.providers.icloud.ical import fingerprint
from calendars.providers.icloud.reconcile import (
    Create,
    Delete,
    Deleted,
    Plan,
    Pushed,
    Update,
    Written,
    plan,
    reconcile,
)
from tests.calendars.providers.icloud.helpers import draft, patchbay_calendar, stored_titles

A, B, C = draft("pb-a"), draft("pb-b"), draft("pb-c")


def remote(uid: str, etag: str) -> RemoteEvent:
    return RemoteEvent(uid, f"https://p1-caldav.icloud.com/1/calendars/x/{uid}.ics", etag)


def pushed(event: EventDraft, etag: str) -> Pushed:
    return Pushed(event.uid, etag, fingerprint(event))


def recorded(outcomes: Iterable[Written | Deleted]) -> dict[str, Pushed]:
    """What the calendars app would store in its EventLinks after a pass."""
    return {
        o.stored.uid: Pushed(o.stored.uid, o.stored.etag, o.fingerprint)
        for o in outcomes
        if isinstance(o, Written)
    }


def test_a_wanted_event_missing_from_the_calendar_is_created_even_if_pushed_before():
    todo = plan([A, B], {"pb-a": pushed(A, '"1"')}, {})

    assert todo == Plan(creates=(Create(A), Create(B)))


def test_an_unchanged_event_with_its_etag_is_left_alone():
    assert plan([A], {"pb-a": pushed(A, '"1"')}, {"pb-a": remote("pb-a", '"1"')}).writes == 0


def test_changed_fields_an_edit_in_icloud_or_no_record_each_mean_an_update():
    moved = draft("pb-a", title="moved")
    present = {"pb-a": remote("pb-a", '"2"')}

    assert plan([moved], {"pb-a": pushed(A, '"2"')}, present).updates == (Update(moved, '"2"'),)
    assert plan([A], {"pb-a": pushed(A, '"1"')}, present).updates == (Update(A, '"2"'),)
    assert plan([A], {}, present).updates == (Update(A, '"2"'),)  # adopted, not duplicated


def test_only_events_patchbay_pushed_are_deleted_and_the_users_own_are_kept():
    present = {"pb-a": remote("pb-a", '"1"'), "dentist": remote("dentist", '"9"')}

    todo = plan([], {"pb-a": pushed(A, '"1"'), "pb-gone": pushed(C, '"5"')}, present)

    assert todo == Plan(deletes=(Delete("pb-a", '"1"'),))


def test_a_pass_creates_then_a_second_pass_writes_nothing(icloud, transport):
    calendar = patchbay_calendar(transport)

    links = recorded(reconcile(transport, calendar, [A, B], {}))
    before = len(icloud.faults.seen)
    again = list(reconcile(transport, calendar, [A, B], links))

    assert again == []
    assert len(icloud.faults.seen) - before == 1  # one PROPFIND, no writes
    assert set(stored_titles(icloud)) == {"pb-a.ics", "pb-b.ics"}


def test_an_event_deleted_in_icloud_is_put_back_by_the_next_pass(icloud, transport, in_icloud):
    calendar = patchbay_calendar(transport)
    links = recorded(reconcile(transport, calendar, [A, B], {}))
    in_icloud.delete(f"{calendar}pb-a.ics")  # the crew member deletes it
    assert set(stored_titles(icloud)) == {"pb-b.ics"}

    outcomes = list(reconcile(transport, calendar, [A, B], links))

    assert list(recorded(outcomes)) == ["pb-a"]
    assert set(stored_titles(icloud)) == {"pb-a.ics", "pb-b.ics"}
    assert list_events(transport, calendar)["pb-a"].etag == recorded(outcomes)["pb-a"].etag


def test_a_pass_overwrites_an_edit_removes_the_unwanted_and_keeps_the_users_events(
    icloud, transport, in_icloud
):
    calendar = patchbay_calendar(transport)
    links = recorded(reconcile(transport, calendar, [A, B], {}))
    own = icloud.stored_events("crew@icloud.test", "patchbay")["pb-b.ics"]
    in_icloud.put(
        f"{calendar}pb-a.ics",
        own.replace("UID:pb-b", "UID:pb-a").replace("Load-in: Main Stage", "edited in iCloud"),
    )
    dentist = own.replace("UID:pb-b", "UID:dentist").replace("Load-in: Main Stage", "Dentist")
    in_icloud.put(f"{calendar}dentist.ics", dentist)

    outcomes = list(reconcile(transport, calendar, [A], links))

    assert [type(o) for o in outcomes] == [Written, Deleted]
    assert stored_titles(icloud) == {
        "pb-a.ics": "Load-in: Main Stage",
        "dentist.ics": "Dentist",
    }
