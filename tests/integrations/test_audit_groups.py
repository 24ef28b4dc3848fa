"""Audit rows of a group of calls: inserted together, in call order, at the group's end;
none when the group fails (its transaction is rolled back with them); completed in
memory by `note` before they exist."""

from __future__ import annotations

import pytest
import responses
from django.conf import settings
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext

from integrations import audit
from integrations.audit import Call, Recorder
from integrations.models import AuditEntry, Connection
from tests.conftest import Tenants
from tests.integrations.helpers import make_connection

URL = f"{settings.XERO_API_BASE}/Organisation"
INSERT = f'INSERT INTO "{AuditEntry._meta.db_table}"'


def a_call(n: int) -> Call:
    return Call("pull", "organisation", "GET", f"{URL}?n={n}", [n])


def calls_made(recorder: Recorder, count: int) -> list[AuditEntry]:
    return [recorder.send(a_call(n))[1] for n in range(count)]


def inserts(queries: CaptureQueriesContext) -> int:
    return sum(1 for q in queries if q["sql"].startswith(INSERT))


@pytest.fixture
def connection(tenants: Tenants) -> Connection:
    return make_connection(tenants.alpha)


@responses.activate
def test_a_group_inserts_its_rows_in_one_statement_in_call_order(connection: Connection) -> None:
    responses.add(responses.GET, URL, json={})
    recorder = Recorder(connection, None)

    with CaptureQueriesContext(db_connection) as queries, audit.grouped():
        made = calls_made(recorder, 3)
        assert all(entry.pk is None for entry in made)
        assert not AuditEntry.objects.exists()

    assert inserts(queries) == 1
    rows = list(AuditEntry.objects.order_by("id").values_list("local_ids", flat=True))
    assert rows == [[0], [1], [2]]


@responses.activate
def test_outside_a_group_each_call_is_inserted_as_it_is_made(connection: Connection) -> None:
    responses.add(responses.GET, URL, json={})
    recorder = Recorder(connection, None)

    with CaptureQueriesContext(db_connection) as queries:
        made = calls_made(recorder, 2)

    assert inserts(queries) == 2
    assert all(entry.pk is not None for entry in made)


@responses.activate
def test_a_group_that_fails_inserts_nothing(connection: Connection) -> None:
    responses.add(responses.GET, URL, json={})
    recorder = Recorder(connection, None)

    with pytest.raises(RuntimeError), audit.grouped():
        calls_made(recorder, 2)
        raise RuntimeError("the group's transaction is rolled back")

    assert not AuditEntry.objects.exists()


@responses.activate
def test_note_completes_a_row_that_waits_in_its_group(connection: Connection) -> None:
    responses.add(responses.GET, URL, json={})
    recorder = Recorder(connection, None)

    with audit.grouped():
        [entry] = calls_made(recorder, 1)
        recorder.note(entry, AuditEntry.Outcome.UPDATED, ["remote-1"], "v2")

    stored = AuditEntry.objects.get()
    assert (stored.outcome, stored.remote_ids, stored.version) == ("updated", ["remote-1"], "v2")
