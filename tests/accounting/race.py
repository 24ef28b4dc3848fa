"""Shared by the conflict-race tests (Xero, QuickBooks, Sage): a real worker syncs while
the bookkeeper edits in the sandbox, and no bookkeeper edit may be overwritten."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from types import ModuleType
from typing import Any

import pytest

from accounting.models import Entity, ExternalRef, Review
from config.celery import app as celery_app
from integrations.models import Connection, SyncRun
from integrations.syncs import sync_connection
from operations.models import Invoice
from tests.accounting.worker_crash import wait_for
from tests.workers import start_worker


def remote_id(invoice: Invoice) -> str:
    return ExternalRef.objects.get(entity=Entity.INVOICE, local_id=invoice.pk).remote_id


def finished_runs() -> int:
    return SyncRun.objects.exclude(status=SyncRun.Status.RUNNING).count()


def sync_in_worker(connection: Connection) -> SyncRun:
    """Queue a sync for the worker and wait for its run to end."""
    before = finished_runs()
    sync_connection.delay(connection.pk)
    assert wait_for(lambda: finished_runs() > before, 180)
    run = SyncRun.objects.order_by("-pk").first()
    assert run is not None and run.status in ("succeeded", "partial"), run and run.errors
    return run


@contextmanager
def worker(**env: str) -> Iterator[None]:
    """A real Celery worker for the block, on an empty queue."""
    celery_app.control.purge()
    process = start_worker(**env)
    try:
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def editing_in_background(
    edit: Callable[[Invoice], Any], invoices: Sequence[Invoice], pause: float = 0.05
) -> Iterator[None]:
    """The bookkeeper edits these invoices one by one while the block runs (a sync)."""

    def edit_all() -> None:
        from django.db import connection as db_connection

        try:
            for invoice in invoices:
                edit(invoice)
                time.sleep(pause)
        finally:
            db_connection.close()

    thread = threading.Thread(target=edit_all)
    thread.start()
    try:
        yield
    finally:
        thread.join()


def edit_when_a_write_arrives(
    monkeypatch: pytest.MonkeyPatch,
    faults: ModuleType,
    api_target: str,
    method: str,
    edit: Callable[[], Any],
) -> list[bool]:
    """Run the bookkeeper's ``edit`` once, when the first API call with ``method`` reaches
    the sandbox and before it is carried out: the edit lands after the run's read and
    before its write, as a person saving in the ledger at that moment would. The sandbox
    runs in the test process (the live server), so this wraps its fault plan there.
    Returns a flag list that holds True once the edit was made."""
    original = faults.plan
    done: list[bool] = []
    lock = threading.Lock()

    def plan(target: str, call_method: str) -> Any:
        if target == api_target and call_method == method:
            with lock:
                if not done:
                    edit()
                    done.append(True)
        return original(target, call_method)

    monkeypatch.setattr(faults, "plan", plan)
    return done


def open_conflicts() -> list[Review]:
    return list(Review.objects.filter(kind=Review.Kind.CONFLICT, resolution=""))


def assert_each_conflict_holds_both_versions(
    patchbay_prices: set[str], ledger_prices: set[str]
) -> None:
    """Every open conflict shows Patchbay's price and the bookkeeper's, for a person to
    choose between (first line's unit price, as the adapters' ``owned`` lists it)."""
    for review in open_conflicts():
        assert _price(review.patchbay_version) in patchbay_prices, review.patchbay_version
        assert _price(review.ledger_version) in ledger_prices, review.ledger_version


def _price(version: dict[str, Any]) -> str:
    return format(Decimal(str(version["lines"][0][2])).normalize(), "f")
