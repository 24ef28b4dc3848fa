"""The call audit partitioned by month: the conversion keeps every row, beat makes months
ahead and drops them past retention, and rows either side of a month's first midnight
land in their own month without one lost; the audit log pages across partitions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection as database

from integrations import audit, partitions, tasks
from integrations.models import AuditEntry, Connection
from integrations.partitions import History
from tests.conftest import Tenants, client_for
from tests.integrations.helpers import make_connection

AUDIT = tasks.CALL_AUDIT
LAST_SECOND_OF_APRIL = datetime(2027, 4, 30, 23, 59, 59, 500_000, tzinfo=UTC)
FIRST_SECOND_OF_MAY = datetime(2027, 5, 1, 0, 0, 0, 200_000, tzinfo=UTC)


@pytest.fixture
def connected(tenants: Tenants) -> Connection:
    return make_connection(tenants.alpha)


def _call(connection: Connection, n: int) -> AuditEntry:
    return audit.record_exchange(
        connection,
        method="PUT",
        url=f"https://ledger.example/row-{n}",
        status_code=200,
        duration_ms=5,
        entity="invoice",
    )


def _settle_deferred_checks() -> None:
    """Beat runs each task in a transaction of its own; a test's rows share one with the
    task, and PostgreSQL drops no table with foreign-key checks still deferred on it."""
    with database.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _partitions(history: History) -> list[str]:
    return [history.partition(month) for month in partitions.months_present(history)]


def _names(*months: str) -> list[str]:
    return [f"{AUDIT.table}_p{month}" for month in months]


def test_the_migrations_left_the_audit_partitioned_by_month_with_a_default(db: None) -> None:
    assert partitions.is_partitioned(AUDIT)
    with database.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [AUDIT.default])
        assert cursor.fetchone()[0]
        cursor.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = to_regclass(%s) AND contype = 'p'",
            [AUDIT.table],
        )
        assert cursor.fetchone()[0] == "PRIMARY KEY (id, created_at)"


def test_beat_makes_months_ahead_and_drops_those_past_retention_twice_alike(
    connected: Connection, settings: Any
) -> None:
    settings.HISTORY_PARTITIONS_AHEAD = 2
    settings.PATCHBAY_AUDIT_RETENTION_MONTHS = 3
    with time_machine.travel(datetime(2027, 9, 10, tzinfo=UTC), tick=False) as clock:
        tasks.maintain_audit_partitions()
        old = _call(connected, 1)  # September's
        clock.move_to(datetime(2028, 1, 5, tzinfo=UTC))
        _settle_deferred_checks()
        first = tasks.maintain_audit_partitions()
        again = tasks.maintain_audit_partitions()
        kept = _call(connected, 2)
    # January 2028 with three months kept: October, November and December stay.
    assert first["created"] == _names("2028_01", "2028_02", "2028_03")
    assert _names("2027_09") == [name for name in first["dropped"] if "2027_09" in name]
    assert again == {"created": [], "dropped": []}
    present = _partitions(AUDIT)
    assert present[0] == f"{AUDIT.table}_p2027_10"
    assert present[-3:] == _names("2028_01", "2028_02", "2028_03")
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=kept.pk).exists()


def test_retention_of_zero_keeps_every_month(connected: Connection, settings: Any) -> None:
    settings.PATCHBAY_AUDIT_RETENTION_MONTHS = 0
    with time_machine.travel(datetime(2020, 1, 10, tzinfo=UTC), tick=False) as clock:
        tasks.maintain_audit_partitions()
        old = _call(connected, 1)
        clock.move_to(datetime(2031, 1, 10, tzinfo=UTC))
        assert tasks.maintain_audit_partitions()["dropped"] == []
    assert AuditEntry.objects.filter(pk=old.pk).exists()


def test_calls_either_side_of_midnight_on_the_first_land_in_their_months_none_lost(
    connected: Connection,
) -> None:
    with time_machine.travel(LAST_SECOND_OF_APRIL, tick=False) as clock:
        tasks.maintain_audit_partitions()
        april = [_call(connected, n).pk for n in range(5)]
        clock.move_to(FIRST_SECOND_OF_MAY)
        may = [_call(connected, n).pk for n in range(5, 10)]
    where = partitions.partition_of_rows(AUDIT, april + may)
    assert {where[pk] for pk in april} == {f"{AUDIT.table}_p2027_04"}
    assert {where[pk] for pk in may} == {f"{AUDIT.table}_p2027_05"}
    assert sorted(AuditEntry.objects.values_list("id", flat=True)) == sorted(april + may)
    assert AuditEntry.objects.filter(created_at__lt=FIRST_SECOND_OF_MAY).count() == 5


def test_a_month_made_late_takes_its_rows_from_the_default_partition(
    connected: Connection,
) -> None:
    with time_machine.travel(datetime(2027, 8, 20, tzinfo=UTC), tick=False) as clock:
        early = _call(connected, 1)  # no August partition yet: the default one takes it
        assert partitions.partition_of_rows(AUDIT, [early.pk]) == {early.pk: AUDIT.default}
        clock.move_to(datetime(2027, 8, 21, tzinfo=UTC))
        assert f"{AUDIT.table}_p2027_08" in tasks.maintain_audit_partitions()["created"]
    moved = partitions.partition_of_rows(AUDIT, [early.pk])
    assert moved == {early.pk: f"{AUDIT.table}_p2027_08"}
    assert AuditEntry.objects.get(pk=early.pk).url == "https://ledger.example/row-1"


def _rows_shown(page: str) -> list[int]:
    return [int(n) for n in re.findall(r"https://ledger\.example/row-(\d+)", page)]


def test_the_audit_log_pages_by_keyset_across_month_partitions(
    connected: Connection, tenants: Tenants
) -> None:
    """Calls alternate between March and April as they are made, so each page mixes both
    partitions; following the next-page link shows every row once, newest id first."""
    march, april = datetime(2027, 3, 31, 23, 0, tzinfo=UTC), datetime(2027, 4, 1, 1, tzinfo=UTC)
    with time_machine.travel(march, tick=False) as clock:
        tasks.maintain_audit_partitions()
        made = []
        for n in range(70):
            clock.move_to((april if n % 2 else march) + timedelta(seconds=n))
            made.append(_call(connected, n).pk)
    where = partitions.partition_of_rows(AUDIT, made)
    assert len(set(where.values())) == 2
    client = client_for(tenants.bookkeeper)
    first = client.get("/settings/accounting/audit/").content.decode()
    assert _rows_shown(first) == list(range(69, 19, -1))
    cursor = re.search(r"before=(\d+)", first)
    assert cursor is not None and int(cursor[1]) == made[20]
    second = client.get(f"/settings/accounting/audit/?before={cursor[1]}").content.decode()
    assert _rows_shown(second) == list(range(19, -1, -1))
    assert "before=" not in second


SCRATCH = History("scratch_history", "happened_at")


def test_converting_a_plain_table_keeps_rows_ids_indexes_and_foreign_keys(
    tenants: Tenants,
) -> None:
    """The migrations' conversion, on a table of its own with rows in three months."""
    with database.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE scratch_history (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
            " organisation_id bigint NOT NULL REFERENCES tenancy_organisation (id),"
            " happened_at timestamptz NOT NULL, note text NOT NULL CHECK (note <> ''))"
        )
        cursor.execute("CREATE INDEX scratch_by_org ON scratch_history (organisation_id, id DESC)")
        for when in ("2025-03-04", "2025-07-31 23:59:59.9+00", "2026-12-01", "2026-12-02"):
            cursor.execute(
                "INSERT INTO scratch_history (organisation_id, happened_at, note)"
                " VALUES (%s, %s, 'x')",
                [tenants.alpha.pk, when],
            )
        cursor.execute("SELECT id FROM scratch_history ORDER BY id")
        before = [row[0] for row in cursor.fetchall()]
        partitions.convert(database, SCRATCH, datetime(2026, 12, 7, tzinfo=UTC))
        cursor.execute("SELECT id FROM scratch_history ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == before
        cursor.execute(
            "INSERT INTO scratch_history (organisation_id, happened_at, note)"
            " VALUES (%s, now(), 'y') RETURNING id",
            [tenants.alpha.pk],
        )
        assert cursor.fetchone()[0] == before[-1] + 1
        cursor.execute(
            "SELECT conname, contype FROM pg_constraint"
            " WHERE conrelid = 'scratch_history'::regclass"
        )
        kinds = sorted(kind for _, kind in cursor.fetchall())
        cursor.execute("SELECT count(*) FROM scratch_history_default")
        in_default = cursor.fetchone()[0]
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'scratch_history'")
        indexes = {row[0] for row in cursor.fetchall()}
    assert partitions.is_partitioned(SCRATCH)
    assert kinds == ["c", "f", "p"]  # the check, the foreign key, the (id, time) key
    assert {"scratch_by_org", "scratch_history_pkey"} <= indexes
    assert in_default == 0
    assert _partitions(SCRATCH) == [
        f"scratch_history_p{month}"
        for month in ("2025_03", "2025_07", "2026_12", "2027_01", "2027_02")
    ]
