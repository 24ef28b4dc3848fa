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
from integrations.errors import ProviderUnavailable
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


@responses.activate
def test_rows_inserted_without_reading_ids_back_hold_what_the_orm_would_store(
    connection: Connection,
) -> None:
    responses.add(responses.POST, URL, json={"Id": "remote-9"}, status=201)
    recorder = Recorder(connection, None)
    call = Call("push", "invoice", "POST", URL, [7, 8], body={"token": "s3cret", "n": 1})

    with audit.collected() as by_orm:
        recorder.send(call)
    AuditEntry.objects.bulk_create(by_orm)
    with CaptureQueriesContext(db_connection) as queries, audit.collected() as by_hand:
        recorder.send(call)
        recorder.send(call)
        audit.insert_all(by_hand)

    assert inserts(queries) == 1
    assert " RETURNING " not in next(q["sql"] for q in queries if q["sql"].startswith(INSERT))
    differ = ("id", "created_at", "duration_ms")  # each call's own
    fields = [f.attname for f in AuditEntry._meta.concrete_fields if f.name not in differ]
    first, *rest = AuditEntry.objects.order_by("id").values(*fields)
    assert len(rest) == 2 and all(row == first for row in rest)
    assert first["request_body"] == '{"token": "[redacted]", "n": 1}'
    assert first["local_ids"] == [7, 8] and first["status_code"] == 201


@responses.activate
def test_a_call_answered_with_a_limit_or_an_outage_has_its_audit_row(
    connection: Connection,
) -> None:
    responses.add(responses.GET, URL, status=429, headers={"Retry-After": "0"})
    responses.add(responses.GET, URL, json={})
    responses.add(responses.GET, URL, status=503)
    recorder = Recorder(connection, None)

    recorder.send(a_call(1))  # limited, then made again after the wait
    with pytest.raises(ProviderUnavailable):
        recorder.send(a_call(2))

    rows = list(
        AuditEntry.objects.order_by("id").values_list("local_ids", "status_code", "outcome")
    )
    assert rows == [([1], 429, "error"), ([1], 200, "read"), ([2], 503, "error")]
