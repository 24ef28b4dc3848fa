"""Per-key rate-limit counters in a SQLite file: the embedded store (``make run``, no Redis).

Every web process on the machine opens the same file. A request's check and
spend is one ``BEGIN IMMEDIATE`` transaction: SQLite lets one writer in at a
time (https://www.sqlite.org/lang_transaction.html), so concurrent requests on
one key, in any process or thread, cannot both take the last unit. Inside it,
``slots.decide`` makes the Redis script's decision over the same slot counters,
so both stores give the same answers, headers and "last used" gate.

The counters live in their own file, not in the application database, so a
long write of a sync run on that database never holds up an API request.
"""

from __future__ import annotations

import math
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from apikeys import slots
from apikeys.ratelimit import Clock, Decision, StoreUnavailable, Window, wall_clock_ms

# A writer waits this long for another's transaction (each takes a millisecond or so)
# before the request is decided locally instead.
BUSY_TIMEOUT_SECONDS = 2.0
# Slots past their window are deleted this long after, so none is deleted early by a
# rounding difference between the stored time and ``slots.is_stale``.
GARBAGE_MARGIN_MS = 1_000

SCHEMA = """
CREATE TABLE IF NOT EXISTS rate_slot (
    bucket TEXT NOT NULL,
    slot INTEGER NOT NULL,
    hits INTEGER NOT NULL,
    stale_at_ms INTEGER NOT NULL,
    PRIMARY KEY (bucket, slot)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rate_slot_stale ON rate_slot (stale_at_ms);
CREATE TABLE IF NOT EXISTS last_used_gate (
    key TEXT PRIMARY KEY,
    opens_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
"""

SPEND = """
INSERT INTO rate_slot (bucket, slot, hits, stale_at_ms) VALUES (?, ?, 1, ?)
ON CONFLICT (bucket, slot) DO UPDATE SET hits = hits + 1
"""

# Like Redis's SET NX EX: opens (and reports a change) only once the last opening lapsed.
OPEN_GATE = """
INSERT INTO last_used_gate (key, opens_at_ms) VALUES (?, ?)
ON CONFLICT (key) DO UPDATE SET opens_at_ms = excluded.opens_at_ms
WHERE last_used_gate.opens_at_ms <= ?
"""


class SqliteLimiter:
    def __init__(self, path: Path, clock: Clock = wall_clock_ms) -> None:
        self.path = path
        self.clock = clock
        self.lock = threading.Lock()  # one connection per process, used by one thread at a time
        self.connection: sqlite3.Connection | None = None
        self.pid = 0

    def hit(self, key_id: int | str, windows: Sequence[Window], gate_seconds: int = 60) -> Decision:
        try:
            with self.lock, self._transaction() as db:
                return self._hit(db, str(key_id), tuple(windows), gate_seconds)
        except sqlite3.Error as error:
            self.connection = None  # a fresh connection next time
            raise StoreUnavailable(f"SQLite {self.path}: {error}") from error

    def _hit(
        self, db: sqlite3.Connection, key: str, windows: tuple[Window, ...], gate_seconds: int
    ) -> Decision:
        now = self.clock()  # read under the write lock: spends are in time order
        buckets = [f"{key}:{window.name}" for window in windows]
        held = [_slots(db, bucket) for bucket in buckets]
        verdict = slots.decide(now, [(w.limit, w.seconds) for w in windows], held)
        touched = False
        if verdict.allowed:
            for bucket, window, count in zip(buckets, windows, verdict.counts, strict=True):
                stale_at = (count.current_slot + slots.SLOTS + 1) * slots.slot_ms(window.seconds)
                db.execute(SPEND, (bucket, count.current_slot, math.ceil(stale_at)))
            touched = db.execute(OPEN_GATE, (key, now + gate_seconds * 1000, now)).rowcount == 1
        _forget_stale(db, now)
        return _decision(windows, verdict, touched)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def _connection(self) -> sqlite3.Connection:
        # A connection must not cross a fork (https://www.sqlite.org/howtocorrupt.html#_carrying_an_open_database_connection_across_a_fork_).
        if self.connection is None or self.pid != os.getpid():
            self.connection = _connect(self.path)
            self.pid = os.getpid()
        return self.connection


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: transactions are begun explicitly, as BEGIN IMMEDIATE.
    db = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
    )
    _use_wal(db)
    # Counters may lose their last moments on power loss, which costs nothing that matters.
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
    return db


def _use_wal(db: sqlite3.Connection) -> None:
    """Switch the file to WAL (once; it persists), which makes each commit cheap.

    The switch needs the file to itself and reports "locked" at once, without the
    busy timeout, while another process opens it at the same moment: retry briefly.
    This happens once per process, when it first opens the file.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def _slots(db: sqlite3.Connection, bucket: str) -> dict[int, int]:
    rows = db.execute("SELECT slot, hits FROM rate_slot WHERE bucket = ?", (bucket,))
    return {int(slot): int(hits) for slot, hits in rows}


def _forget_stale(db: sqlite3.Connection, now: int) -> None:
    db.execute("DELETE FROM rate_slot WHERE stale_at_ms < ?", (now - GARBAGE_MARGIN_MS,))
    db.execute("DELETE FROM last_used_gate WHERE opens_at_ms < ?", (now - GARBAGE_MARGIN_MS,))


def _decision(windows: tuple[Window, ...], verdict: slots.Verdict, touched: bool) -> Decision:
    counts = verdict.counts
    return Decision(
        allowed=verdict.allowed,
        windows=windows,
        used=tuple(c.total + verdict.allowed for c in counts),
        reset_ms=tuple(math.ceil(c.reset_ms) for c in counts),
        retry_after_ms=verdict.retry_after_ms,
        violated=tuple(
            w.name for w, c in zip(windows, counts, strict=True) if c.wait_ms is not None
        ),
        touch_last_used=touched,
    )
