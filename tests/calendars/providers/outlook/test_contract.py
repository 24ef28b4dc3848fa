"""Holds the adapter's Graph requests and the sandbox's answers to Microsoft's OpenAPI
description (the calendar subset in SPECS_DIR/microsoft-graph, relaxed variant: see its
README), read in place, validated with openapi-core. Every call the adapter made is in
the audit log with its body and the answer; each is validated in both directions.

The spec carries only `/users/{user-id}/...` paths; `/me/...` is the same resource for
the signed-in user, so paths are rewritten before validation.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import warnings
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from calendars.models import EventLink, ReadCursor
from calendars.providers.outlook.adapter import OutlookAdapter
from integrations import audit
from integrations.models import AuditEntry
from sandbox.microsoft_graph.console import add_block
from sandbox.microsoft_graph.models import GraphUser
from tests.calendars.providers.outlook.conftest import START, draft
from tests.sandbox.specs import load

SERVER = "https://graph.microsoft.com"


@pytest.fixture(autouse=True)
def answers_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """The audit keeps no answer to a read (it is the user's own mailbox); here the
    answers are what is being checked, so they are kept."""
    monkeypatch.setattr(audit, "_kept_answer", lambda call, response: response.text)


@pytest.fixture(scope="session")
def openapi(specs_dir: Path) -> OpenAPI:
    path = specs_dir / "microsoft-graph" / "calendar-openapi.relaxed.yaml"
    if not path.is_file():
        pytest.skip(f"{path} is absent: the Graph spec is needed for the contract tests.")
    return OpenAPI.from_dict(load(path), config=Config(spec_validator_cls=None))


def spec_path(url: str) -> str:
    path = urlsplit(url).path.split("/v1.0", 1)[1]
    path = re.sub(r"^/me/", "/users/me/", path)
    return re.sub(r"/calendarView/delta$", "/calendarView/microsoft.graph.delta()", path)


def check(openapi: OpenAPI, entry: AuditEntry) -> None:
    query = dict(parse_qsl(urlsplit(entry.url).query))
    body = entry.request_body.encode() if entry.request_body else None
    request = MockRequest(
        SERVER,
        entry.method.lower(),
        "/v1.0" + spec_path(entry.url),
        args=query,
        headers={"Content-Type": "application/json"},
        data=body,
    )
    content = entry.response_body.encode()
    response = MockResponse(
        content,
        status_code=entry.status_code or 0,
        content_type="application/json" if content else "",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # openapi-core does not model OAuth2
        if entry.method in ("POST", "PATCH"):
            openapi.validate_request(request)
        openapi.validate_response(request, response)


def test_the_adapter_and_the_sandbox_keep_to_the_graph_spec(
    openapi: OpenAPI, adapter: OutlookAdapter, cursor: ReadCursor, mailbox: GraphUser
) -> None:
    calendar_id = adapter.create_calendar("Patchbay - Alpha").remote_id
    key = "pb" + "7" * 30
    link = EventLink(key=key)
    written = adapter.put(calendar_id, draft(key), link)
    link.remote_id, link.version = written.remote_id, written.version
    adapter.put(calendar_id, draft(key, title="Changed"), link)
    adapter.existing(calendar_id)
    add_block(mailbox, START, START + dt.timedelta(hours=1))
    cursor.cursor = adapter.read_busy(cursor, {link.remote_id: ""}).cursor
    adapter.read_busy(cursor, {link.remote_id: ""})
    adapter.renew_watch(cursor)
    adapter.renew_watch(cursor)
    adapter.delete(calendar_id, link)
    adapter.stop_watch(cursor)
    entries = list(AuditEntry.objects.order_by("pk"))
    methods = {(e.method, e.status_code) for e in entries}
    assert {("POST", 201), ("PATCH", 200), ("GET", 200), ("DELETE", 204)} <= methods
    for entry in entries:
        check(openapi, entry)


def test_a_missing_event_answers_the_odata_error_shape(
    openapi: OpenAPI, adapter: OutlookAdapter
) -> None:
    response = adapter.graph.send("GET", "me/events/AAMkmissing", entity="event")
    assert response.status_code == 404
    assert json.loads(response.content)["error"]["code"] == "ErrorItemNotFound"
    check(openapi, AuditEntry.objects.order_by("pk").last())  # type: ignore[arg-type]
