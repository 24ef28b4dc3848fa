"""History tables partitioned by month in PostgreSQL: converted once by a migration, then
kept by a beat task that creates the coming months' partitions ahead of time and drops
the months older than the table's retention.

Kind-neutral: a table is named by a `History` (its table and timestamp column); the call
audit and the webhook attempts are two of them. Why the tables look the way they do (the
primary key, the default partition, the locks taken) is in docs/partitioned-history.md.

Partitions are named ``<table>_pYYYY_MM`` and cover one calendar month in UTC; the
``<table>_default`` partition takes any row outside them (a clock far off, a test's old
date), so an insert never fails for want of a partition. On SQLite (``make run`` without
``DATABASE_URL``) the tables stay plain and every function here does nothing.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

NAME = re.compile(r"_p(\d{4})_(\d{2})$")


@dataclass(frozen=True)
class History:
    """A table partitioned by month on `column` (a timestamp with time zone)."""

    table: str
    column: str

    def partition(self, month: datetime) -> str:
        return f"{self.table}_p{month:%Y_%m}"

    @property
    def default(self) -> str:
        return f"{self.table}_default"


@dataclass
class Maintenance:
    created: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    purged_from_default: int = 0


def month_of(moment: datetime) -> datetime:
    """The first instant of `moment`'s month, in UTC."""
    moment = moment.astimezone(UTC)
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def add_months(month: datetime, count: int) -> datetime:
    index = month.year * 12 + month.month - 1 + count
    return month.replace(year=index // 12, month=index % 12 + 1)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _literal(moment: datetime) -> str:
    # Our own UTC datetimes, never user input: a literal is safe (DDL takes no parameters).
    return f"'{moment.isoformat()}'"


def _supported(db: BaseDatabaseWrapper = connection) -> bool:
    return db.vendor == "postgresql"


def is_partitioned(history: History) -> bool:
    if not _supported():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [history.table])
        row = cursor.fetchone()
    return row is not None and row[0] == "p"


def months_present(history: History) -> list[datetime]:
    """The months that have a partition of their own, oldest first."""
    if not _supported():
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = to_regclass(%s)",
            [history.table],
        )
        names = [row[0] for row in cursor.fetchall()]
    months = []
    for name in names:
        found = NAME.search(name)
        if found and name == history.partition(_month(found)):
            months.append(_month(found))
    return sorted(months)


def _month(found: re.Match[str]) -> datetime:
    return datetime(int(found[1]), int(found[2]), 1, tzinfo=UTC)


def maintain(history: History, now: datetime, *, ahead: int, keep_months: int) -> Maintenance:
    """This month's partition and the next `ahead` months' exist; months that ended more
    than `keep_months` whole months before this one are dropped (0 keeps everything).
    Safe to run twice, or in two processes at once (an advisory lock serialises them)."""
    done = Maintenance()
    if not is_partitioned(history):
        return done
    this_month = month_of(now)
    with transaction.atomic(), connection.cursor() as cursor:
        done.created = cover(history, this_month, add_months(this_month, ahead))
        present = set(months_present(history))
        if keep_months > 0:
            cutoff = add_months(this_month, -keep_months)
            for month in sorted(present):
                if add_months(month, 1) <= cutoff:
                    cursor.execute(f"DROP TABLE {_q(history.partition(month))}")
                    done.dropped.append(history.partition(month))
            done.purged_from_default = _purge_default(cursor, history, cutoff)
    return done


def cover(history: History, first: datetime, last: datetime) -> list[str]:
    """Every month from `first`'s to `last`'s has its partition (those made are returned);
    rows of those months waiting in the default partition move into them."""
    made: list[str] = []
    if not is_partitioned(history):
        return made
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_key(history)])
        present = set(months_present(history))
        month = month_of(first)
        while month <= month_of(last):
            if month not in present:
                _create(cursor, history, month)
                made.append(history.partition(month))
            month = add_months(month, 1)
    return made


def _lock_key(history: History) -> int:
    return zlib.crc32(f"partitions:{history.table}".encode())


def _create(cursor: CursorWrapper, history: History, month: datetime) -> None:
    """A month's partition, made as a plain table and attached: ATTACH takes a lighter lock
    on the parent than CREATE ... PARTITION OF (inserts carry on meanwhile), and rows of
    that month already in the default partition move into it first (PostgreSQL refuses a
    partition whose rows the default partition holds)."""
    name, table, default = (
        _q(history.partition(month)),
        _q(history.table),
        _q(history.default),
    )
    column = _q(history.column)
    lower, upper = _literal(month), _literal(add_months(month, 1))
    cursor.execute(f"CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    cursor.execute(
        f"WITH moved AS (DELETE FROM {default} WHERE {column} >= {lower} AND {column} < {upper}"  # noqa: S608 - our names and dates
        f" RETURNING *) INSERT INTO {name} SELECT * FROM moved"
    )
    cursor.execute(
        f"ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES FROM ({lower}) TO ({upper})"
    )


def _purge_default(cursor: CursorWrapper, history: History, cutoff: datetime) -> int:
    column = _q(history.column)
    cursor.execute(f"DELETE FROM {_q(history.default)} WHERE {column} < %s", [cutoff])  # noqa: S608 - our names
    return int(cursor.rowcount)


def partition_of_rows(history: History, ids: list[int]) -> dict[int, str]:
    """Which partition holds each row (for tests and the benchmark's checks)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, tableoid::regclass::text FROM {_q(history.table)} WHERE id = ANY(%s)",  # noqa: S608 - our names
            [ids],
        )
        return {row[0]: row[1] for row in cursor.fetchall()}


# -- the one-off conversion, run by each table's migration ---------------------------------


def convert(db: BaseDatabaseWrapper, history: History, now: datetime, *, ahead: int = 2) -> None:
    """Turn the plain table into a partitioned one without losing a row: a new partitioned
    table takes the old one's columns, a partition for every month that has rows (and this
    month and the next `ahead`) and a default one; the rows are copied, the old table is
    dropped, and its primary key (now including the partition column), indexes and foreign
    keys are made again under their old names. Ids carry on from the old sequence."""
    if not _supported(db) or _relkind(db, history.table) == "p":
        return
    old = f"{history.table}_unpartitioned"
    with db.cursor() as cursor:
        sequence = _serial_sequence(cursor, history.table)
        cursor.execute(f"ALTER TABLE {_q(history.table)} RENAME TO {_q(old)}")
        indexes = _index_definitions(cursor, old)
        foreign_keys = _foreign_keys(cursor, old)
        months = _months_with_rows(cursor, old, history.column)
        _create_parent(cursor, history, old, sequence)
        this_month = month_of(now)
        months |= {add_months(this_month, offset) for offset in range(ahead + 1)}
        cursor.execute(
            f"CREATE TABLE {_q(history.default)} PARTITION OF {_q(history.table)} DEFAULT"
        )
        for month in sorted(months):
            cursor.execute(
                f"CREATE TABLE {_q(history.partition(month))} PARTITION OF {_q(history.table)}"
                f" FOR VALUES FROM ({_literal(month)}) TO ({_literal(add_months(month, 1))})"
            )
        cursor.execute(f"INSERT INTO {_q(history.table)} SELECT * FROM {_q(old)}")  # noqa: S608 - our names
        cursor.execute(f"DROP TABLE {_q(old)}")
        cursor.execute(
            f"ALTER TABLE {_q(history.table)} ADD CONSTRAINT {_q(history.table + '_pkey')}"
            f" PRIMARY KEY (id, {_q(history.column)})"
        )
        for definition in indexes:
            cursor.execute(_on_table(definition, old, history.table))
        for name, definition in foreign_keys:
            cursor.execute(
                f"ALTER TABLE {_q(history.table)} ADD CONSTRAINT {_q(name)} {definition}"
            )


def _relkind(db: BaseDatabaseWrapper, table: str) -> str | None:
    with db.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [table])
        row = cursor.fetchone()
    return row[0] if row else None


def _serial_sequence(cursor: CursorWrapper, table: str) -> str:
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    return str(cursor.fetchone()[0])


def _index_definitions(cursor: CursorWrapper, table: str) -> list[str]:
    """CREATE INDEX statements of the table's indexes, except its primary key's."""
    cursor.execute(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " WHERE i.indrelid = to_regclass(%s) AND NOT i.indisprimary ORDER BY i.indexrelid",
        [table],
    )
    return [row[0] for row in cursor.fetchall()]


def _foreign_keys(cursor: CursorWrapper, table: str) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = to_regclass(%s) AND contype = 'f' ORDER BY conname",
        [table],
    )
    return [(row[0], row[1]) for row in cursor.fetchall()]


def _months_with_rows(cursor: CursorWrapper, table: str, column: str) -> set[datetime]:
    cursor.execute(
        f"SELECT DISTINCT date_trunc('month', {_q(column)} AT TIME ZONE 'UTC') FROM {_q(table)}"  # noqa: S608 - our names
    )
    return {row[0].replace(tzinfo=UTC) for row in cursor.fetchall()}


def _create_parent(cursor: CursorWrapper, history: History, old: str, sequence: str) -> None:
    """The partitioned table, with an id sequence of its own that starts where the old one
    stopped (PostgreSQL 15 allows no identity column on a partitioned table)."""
    table, seq = _q(history.table), _q(f"{history.table}_id_seq")
    cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {_q(old + '_id_seq')}")
    cursor.execute(
        f"CREATE TABLE {table} (LIKE {_q(old)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
        f" PARTITION BY RANGE ({_q(history.column)})"
    )
    cursor.execute(f"CREATE SEQUENCE {seq} AS bigint OWNED BY {table}.id")
    cursor.execute(
        f"SELECT setval('{seq}', last_value, is_called) FROM {_q(old + '_id_seq')}"  # noqa: S608 - our names
    )
    cursor.execute(f"ALTER TABLE {table} ALTER COLUMN id SET DEFAULT nextval('{seq}')")


def _on_table(definition: str, old: str, new: str) -> str:
    """An index definition of the old table, made for the new one (same index name)."""
    pattern = rf" ON (ONLY )?(\w+\.)?{re.escape(old)} USING "
    return re.sub(pattern, f" ON {connection.ops.quote_name(new)} USING ", definition, count=1)
