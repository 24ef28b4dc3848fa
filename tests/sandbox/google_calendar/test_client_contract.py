"""Holds Patchbay's Google Calendar client to Google's discovery document: every call the
adapter and the OAuth provider make to the Calendar API (recorded on the wire, against
the sandbox served by the live test server) is a method the API has, with parameters it
takes and a body that fits the method's request schema; and every answer the sandbox
gave them fits the method's response schema, or Google's error shape."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from unittest import mock

import pytest
import requests

from calendars.providers.google import shapes
from calendars.providers.google.provider import GoogleCalendarProvider
from sandbox.google_calendar import store
from sandbox.google_calendar.models import GoogleEvent
from tests.calendars.providers.google.conftest import Crew, cursor_for, draft, link_for
from tests.sandbox.google_calendar.discovery import Discovery, error_problems, relative_path

KEY = "pb" + "fedcba9876543210fedcba98765432"
OTHER = "pb" + "00112233445566778899aabbccddee"


@dataclass(frozen=True)
class Exchange:
    method: str
    url: str
    body: bytes | None
    status: int
    answer: bytes


@pytest.fixture
def wire() -> Iterator[list[Exchange]]:
    """Every request sent through `requests` in this process, with its answer."""
    seen: list[Exchange] = []
    real = requests.Session.send

    def send(session: requests.Session, prepared: requests.PreparedRequest, **kw: Any) -> Any:
        response = real(session, prepared, **kw)
        body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
        seen.append(
            Exchange(
                str(prepared.method),
                str(prepared.url),
                body or None,
                response.status_code,
                response.content,
            )
        )
        return response

    with mock.patch.object(requests.Session, "send", send):
        yield seen


def _busy_event(crew: Crew, day: int) -> GoogleEvent:
    body = {
        "summary": "Dentist",
        "start": {"dateTime": f"2030-06-{day}T10:00:00+00:00"},
        "end": {"dateTime": f"2030-06-{day}T11:00:00+00:00"},
    }
    return store.insert(crew.primary, "", body)


def _everything_the_client_does(crew: Crew) -> None:
    adapter, calendar = crew.adapter, crew.primary.calendar_id
    GoogleCalendarProvider().subject({"access_token": crew.connection.grant.access_token})  # type: ignore[union-attr]
    adapter.calendars()
    adapter.create_calendar("Patchbay - Alpha Hire")
    link = link_for(crew, KEY)
    written = adapter.put(calendar, draft(KEY), link)  # insert
    link.remote_id, link.version = written.remote_id, written.version
    store.patch(GoogleEvent.objects.get(event_id=KEY), {"summary": "Edited in Google"})
    written = adapter.put(calendar, draft(KEY, title="Patchbay's"), link)  # 412, get, patch
    link.version = written.version
    second = link_for(crew, OTHER, source_id=2)
    adapter.put(calendar, draft(OTHER), second)
    adapter.put(calendar, draft(OTHER), second)  # a retried insert: 409, then adopted
    adapter.existing(calendar)
    cursor = cursor_for(crew)
    cursor.window_start = dt.datetime(2030, 6, 1, tzinfo=dt.UTC)
    cursor.window_end = dt.datetime(2030, 7, 1, tzinfo=dt.UTC)
    _busy_event(crew, 13)
    read = adapter.read_busy(cursor, {KEY: ""})  # full
    cursor.cursor = read.cursor
    _busy_event(crew, 14)
    cursor.cursor = adapter.read_busy(cursor, {KEY: ""}).cursor  # incremental
    store.expire_sync_tokens(crew.primary)
    adapter.read_busy(cursor, {KEY: ""})  # 410, then full
    adapter.renew_watch(cursor)
    adapter.renew_watch(cursor)  # a new channel, the old one stopped
    adapter.stop_watch(cursor)
    adapter.delete(calendar, link)
    adapter.delete(calendar, link)  # already gone: 410


def test_every_calendar_api_call_the_client_makes_is_in_the_discovery_document(
    spec: Discovery, crew: Crew, wire: list[Exchange]
) -> None:
    _everything_the_client_does(crew)

    calls = [call for call in wire if relative_path(call.url) is not None]
    problems = [
        f"{call.method} {call.url}: {problem}"
        for call in calls
        for problem in spec.request_problems(call.method, call.url, call.body)
    ]
    assert problems == []
    used = {spec.method_for(call.method, call.url).id for call in calls}  # type: ignore[union-attr]
    assert used == {
        "calendar.calendarList.list",
        "calendar.calendars.insert",
        "calendar.events.insert",
        "calendar.events.get",
        "calendar.events.patch",
        "calendar.events.list",
        "calendar.events.watch",
        "calendar.channels.stop",
        "calendar.events.delete",
    }
    statuses = {call.status for call in calls}
    assert {200, 204, 409, 410, 412} <= statuses  # the refusals were exercised too


def test_every_answer_the_client_got_fits_the_method_or_googles_error_shape(
    spec: Discovery, crew: Crew, wire: list[Exchange]
) -> None:
    _everything_the_client_does(crew)

    problems: list[str] = []
    for call in wire:
        method = spec.method_for(call.method, call.url)
        if method is None:
            continue
        where = f"{call.method} {call.url} -> {call.status}"
        if call.status >= 400:
            problems += [
                f"{where}: {p}" for p in error_problems(call.status, json.loads(call.answer))
            ]
        elif method.response is None:
            if call.answer:
                problems.append(f"{where}: {method.id} answers no body")
        else:
            body = json.loads(call.answer)
            problems += [f"{where}: {p}" for p in spec.body_problems(method.response, body)]
    assert problems == []


def test_the_event_body_the_client_writes_fits_the_event_schema_for_insert_and_patch(
    spec: Discovery,
) -> None:
    body = shapes.event_body(draft(KEY))
    insert = spec.body_problems("Event", {"id": KEY, **body}, method_id="calendar.events.insert")
    patch = spec.body_problems("Event", body, method_id="calendar.events.patch")
    assert (insert, patch) == ([], [])
