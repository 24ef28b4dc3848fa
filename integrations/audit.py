"""Every external call of a sync, recorded: what was sent, what came back, how long."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import requests
from django.db import connection as db_connection
from django.utils import timezone

from integrations import tokens
from integrations.errors import ProviderUnavailable, RateLimited
from integrations.limiter import DailyLimitReached, Limiter
from integrations.models import AuditEntry, Connection, SyncRun
from integrations.registry import provider_for

BODY_LIMIT = 20_000
SECRET_WORDS = ("token", "secret", "password", "authorization")


def redact(value: Any) -> Any:
    """Blank any field whose name suggests a secret, however deep."""
    if isinstance(value, dict):
        return {
            key: "[redacted]" if any(word in key.lower() for word in SECRET_WORDS) else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def truncate(text: str) -> str:
    return text if len(text) <= BODY_LIMIT else f"{text[:BODY_LIMIT]}… [truncated]"


def _kept_answer(call: Call, response: requests.Response) -> str:
    if call.private_response:
        return f"[private: {len(response.content)} bytes not kept]"
    return truncate(response.text)


# Entries of the current group (see `grouped`), not yet inserted.
_pending: ContextVar[list[AuditEntry] | None] = ContextVar("pending_audit", default=None)


@contextmanager
def grouped() -> Iterator[list[AuditEntry]]:
    """Entries made inside are inserted together, in the order of their calls, when the
    block ends without an exception (one INSERT for the lot, not one per call). For a
    caller whose block is one transaction anyway: what it did and the record of the
    calls that did it commit together, or neither does. Inside, entries are returned
    unsaved (no id yet) and `Recorder.note` completes them in memory."""
    with collected() as entries:
        yield entries
    AuditEntry.objects.bulk_create(entries)


@contextmanager
def collected() -> Iterator[list[AuditEntry]]:
    """As `grouped`, but the caller inserts the entries (`insert_all`) where it likes:
    with its other writes, in one round trip."""
    entries: list[AuditEntry] = []
    mark = _pending.set(entries)
    try:
        yield entries
    finally:
        _pending.reset(mark)


def insert_all(entries: list[AuditEntry]) -> None:
    """The entries in one INSERT that reads nothing back (bulk_create asks for the new
    ids): in a psycopg pipeline it waits for no answer of its own. The entries keep no
    id. Values are prepared as Django's own INSERT prepares them (pre_save, then the
    field's database form)."""
    if not entries:
        return
    fields = [field for field in AuditEntry._meta.concrete_fields if not field.primary_key]
    quote = db_connection.ops.quote_name
    columns = ", ".join(quote(str(field.column)) for field in fields)
    row = f"({', '.join(['%s'] * len(fields))})"
    table = quote(AuditEntry._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(entries))}"  # noqa: S608 - names from the model
    values = [
        field.get_db_prep_save(field.pre_save(entry, True), db_connection)
        for entry in entries
        for field in fields
    ]
    with db_connection.cursor() as cursor:
        cursor.execute(sql, values)


def _store(entry: AuditEntry) -> AuditEntry:
    pending = _pending.get()
    if pending is None:
        entry.save(force_insert=True)
    else:
        pending.append(entry)
    return entry


@dataclass
class Call:
    direction: str
    entity: str
    method: str
    url: str
    local_ids: list[int]
    body: Any = None
    idempotency_key: str = ""
    params: dict[str, str] | None = None
    headers: dict[str, str] | None = None
    # The answer holds someone's private data (their own calendar's events): the audit
    # keeps its status, size and time, never its text.
    private_response: bool = False


Quota = Callable[[Mapping[str, str]], tuple[int | None, int | None]]
RATE_LIMIT_RETRIES = 5


def no_quota(headers: Mapping[str, str]) -> tuple[int | None, int | None]:
    return None, None


class Recorder:
    """Makes a connection's calls within its rate budget, through the token layer,
    and audits each one."""

    def __init__(
        self,
        connection: Connection,
        run: SyncRun | None,
        limiter: Limiter | None = None,
        quota: Quota = no_quota,
    ) -> None:
        self.connection = connection
        self.run = run
        self.limiter = limiter
        self.quota = quota

    def send(self, call: Call, *, tag: str = "") -> tuple[requests.Response, AuditEntry]:
        """Make the call within the limits that count calls tagged `tag` (and untagged)."""
        for attempt in range(RATE_LIMIT_RETRIES):
            try:
                return self._send(call, tag)
            except RateLimited as limited:
                wait = limited.retry_after
                if not limited.stated:  # no Retry-After (Sage): the provider's back-off
                    wait = provider_for(self.connection.provider).unstated_retry_after(
                        attempt, wait
                    )
                if self.limiter is not None:
                    self.limiter.block(wait)
                if limited.problem in ("day", "daily"):
                    raise DailyLimitReached(timezone.now() + timedelta(seconds=wait)) from limited
                if self.limiter is None:
                    time.sleep(min(wait, 60))
        raise ProviderUnavailable("the provider kept rate limiting; the next run carries on")

    def _send(self, call: Call, tag: str) -> tuple[requests.Response, AuditEntry]:
        headers = dict(call.headers or {})
        if call.idempotency_key:
            headers["Idempotency-Key"] = call.idempotency_key
        with self.limiter.permit(tag) if self.limiter else nullcontext():
            started = time.monotonic()
            try:
                response = tokens.call(
                    self.connection,
                    call.method,
                    call.url,
                    json=call.body,
                    params=call.params,
                    headers=headers,
                )
            except ProviderUnavailable as failed:  # a 429 or a 5xx is a call made too
                ms = int((time.monotonic() - started) * 1000)
                if failed.answer is not None:
                    self._write(call, failed.answer, ms, outcome=AuditEntry.Outcome.ERROR)
                else:  # so is one the provider never answered (network failure, timeout)
                    self._write_unanswered(call, failed, ms)
                raise
            duration = int((time.monotonic() - started) * 1000)
        if self.limiter is not None:
            self.limiter.observe(*self.quota(response.headers))
        return response, self._write(call, response, duration)

    def note(
        self, entry: AuditEntry, outcome: str, remote_ids: list[str], version: str = ""
    ) -> None:
        """Complete an entry once the caller has read the response."""
        entry.outcome = outcome
        entry.remote_ids = remote_ids
        entry.version = version
        if entry.pk is not None:  # else it waits in a group, inserted complete
            # By id and time: the table is partitioned by month on created_at, so the
            # time names the one partition to look in (by id alone, every month's).
            AuditEntry.objects.filter(pk=entry.pk, created_at=entry.created_at).update(
                outcome=outcome, remote_ids=remote_ids, version=version
            )

    def _write(
        self, call: Call, response: requests.Response, duration_ms: int, outcome: str = ""
    ) -> AuditEntry:
        if not outcome:
            outcome = AuditEntry.Outcome.READ if call.method == "GET" else AuditEntry.Outcome.ERROR
            if call.method != "GET" and response.status_code < 300:
                outcome = AuditEntry.Outcome.CREATED
        return _store(
            AuditEntry(
                organisation_id=self.connection.organisation_id,
                connection=self.connection,
                run=self.run,
                direction=call.direction,
                entity=call.entity,
                local_ids=call.local_ids,
                method=call.method,
                url=response.request.url or call.url,
                request_body=json.dumps(redact(call.body)) if call.body is not None else "",
                status_code=response.status_code,
                response_body=_kept_answer(call, response),
                idempotency_key=call.idempotency_key,
                outcome=outcome,
                duration_ms=duration_ms,
            )
        )

    def _write_unanswered(self, call: Call, failed: ProviderUnavailable, duration_ms: int) -> None:
        """A call that got no answer: no status, and what went wrong in its place. The
        status page counts these with the 5xx answers as the provider failing."""
        _store(
            AuditEntry(
                organisation_id=self.connection.organisation_id,
                connection=self.connection,
                run=self.run,
                direction=call.direction,
                entity=call.entity,
                local_ids=call.local_ids,
                method=call.method,
                url=call.url,
                request_body=json.dumps(redact(call.body)) if call.body is not None else "",
                status_code=None,
                response_body=truncate(failed.message),
                idempotency_key=call.idempotency_key,
                outcome=AuditEntry.Outcome.ERROR,
                duration_ms=duration_ms,
            )
        )


def record_exchange(
    connection: Connection,
    *,
    method: str,
    url: str,
    status_code: int | None,
    duration_ms: int,
    entity: str,
    direction: str = "push",
    request_body: str = "",
    run: SyncRun | None = None,
) -> AuditEntry:
    """Audit a call made outside the OAuth Recorder (a password-authenticated protocol
    such as CalDAV). The answer's text is never kept: it is the user's own account."""
    if status_code is None or status_code >= 400:
        outcome = AuditEntry.Outcome.ERROR
    elif method in ("GET", "PROPFIND", "REPORT", "OPTIONS"):
        outcome = AuditEntry.Outcome.READ
    elif status_code == 201:
        outcome = AuditEntry.Outcome.CREATED
    else:
        outcome = AuditEntry.Outcome.UPDATED
    return _store(
        AuditEntry(
            organisation_id=connection.organisation_id,
            connection=connection,
            run=run,
            direction=direction,
            entity=entity,
            method=method,
            url=url,
            request_body=truncate(request_body),
            status_code=status_code,
            outcome=outcome,
            duration_ms=duration_ms,
        )
    )
