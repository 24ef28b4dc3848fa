"""A sync with nothing changed, for an organisation with 2,000 and with 200,000 invoices.

Each size gets a fresh benchmark database and the Xero sandbox served by gunicorn. The
organisation's 200 customers are pushed by a real sync; its invoices are then made in
bulk and linked as if pushed long ago (their links carry the fingerprints the engine
itself computes, an hour-old ``updated_at``): pushing 200,000 invoices through Xero's
60 calls a minute would take more than an hour and measure the sandbox, not this.
A first sync is the day's full check (it plans every invoice and finds each
unchanged); the next five are quiet syncs, measured.

Figures per size: ``noop_sync_s`` (median wall time of the quiet syncs, their three
reads from the sandbox included; each in ``noop_sync_s_all``), ``noop_sync_queries``
(SQL statements on each sync's own connection; the read ahead of invoices runs on a
thread's), ``noop_sync_calls`` (calls to the sandbox), ``full_check_s`` (the day's full
check, for scale). Then ``ratio`` = noop_sync_s at 200,000 / at 2,000 (target <= 1.5)
and ``queries_equal``.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from bench.accounting_push import serve_and_measure
from bench.bench_xero_push import CALLBACK, _point_at, connect_and_map

SIZES = (2_000, 200_000)
CUSTOMERS = 200
CHUNK = 5_000
QUIET_RUNS = 5


def _organisation() -> tuple[Any, Any, Any, Any]:
    from operations import services
    from operations.models import IncomeCategory, TaxCategory
    from tenancy.models import Membership, Organisation, User
    from tenancy.roles import Role

    organisation = Organisation.objects.create(name="Scale Hire", slug="scale-hire")
    owner = User.objects.create_user(email="scale@bench.test", password=None)
    Membership.objects.create(user=owner, organisation=organisation, role=Role.OWNER)
    tax = TaxCategory.objects.create(organisation=organisation, name="VAT", rate=Decimal(20))
    income = IncomeCategory.objects.create(organisation=organisation, name="Hire")
    for n in range(CUSTOMERS):
        services.create_customer(organisation, name=f"Scale customer {n:03}", email=f"s{n}@b.test")
    return organisation, owner, tax, income


def _invoices(organisation: Any, count: int, tax: Any, income: Any) -> None:
    """Issued invoices with one line each, made in bulk, changed an hour ago."""

    from operations.models import Customer, Invoice, InvoiceLine

    customers = list(Customer.objects.filter(organisation=organisation).order_by("pk"))
    for start in range(0, count, CHUNK):
        numbers = range(start, min(count, start + CHUNK))
        made = Invoice.objects.bulk_create(
            Invoice(
                organisation=organisation,
                customer=customers[n % CUSTOMERS],
                number=f"INV-{n + 1:06}",
                status=Invoice.Status.ISSUED,
                total=Decimal(120),
                amount_due=Decimal(120),
            )
            for n in numbers
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                organisation=organisation,
                invoice=invoice,
                description="Hire",
                unit_price=Decimal(100),
                tax_category=tax,
                income_category=income,
            )
            for invoice in made
        )


def _age(organisation: Any) -> None:
    """History: nothing has changed for an hour. (The customers, their links and the items
    pulled from the sandbox were made minutes ago: inside the next sync's overlap in the
    small world and not the large, whose set-up takes longer; a quiet sync re-reads what
    its overlap holds.)"""
    from django.db import connection as db
    from django.utils import timezone

    from accounting.models import ExternalRef
    from operations.models import Customer, EquipmentItem, Invoice

    an_hour_ago = timezone.now() - timedelta(hours=1)
    for model in (Invoice, Customer, EquipmentItem, ExternalRef):
        model.objects.filter(organisation=organisation).update(updated_at=an_hour_ago)
    # What autovacuum does on a live database: the rows this ageing replaced are cleared
    # from the indexes (else every index scan steps over them) and statistics are fresh.
    with db.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _link_as_pushed(connection: Any) -> None:
    """Each invoice's link as a push would have saved it, fingerprint by the engine."""
    from accounting.engine import push
    from accounting.engine.adapter import Mappings
    from accounting.engine.sync import adapter_for
    from accounting.models import Entity, ExternalRef
    from operations.models import Invoice

    adapter = adapter_for(connection, None)
    mappings = Mappings.of(connection)
    contacts = dict(
        ExternalRef.objects.filter(connection=connection, entity=Entity.CUSTOMER).values_list(
            "local_id", "remote_id"
        )
    )
    rows = (
        Invoice.objects.filter(organisation=connection.organisation)
        .select_related("customer")
        .prefetch_related("lines__tax_category", "lines__income_category", "lines__item")
        .order_by("pk")
    )
    refs = []
    for invoice in rows.iterator(chunk_size=2_000):
        payload = adapter.invoice_payload(invoice, mappings, contacts[invoice.customer_id])
        remote = uuid.UUID(hashlib.md5(str(invoice.pk).encode()).hexdigest())  # noqa: S324
        refs.append(
            ExternalRef(
                organisation_id=connection.organisation_id,
                connection=connection,
                entity=Entity.INVOICE,
                local_id=invoice.pk,
                remote_id=str(remote),
                remote_version="2026-01-01T00:00:00",
                pushed_fingerprint=push.fingerprint(adapter.owned(Entity.INVOICE, payload)),
                state=ExternalRef.State.LINKED,
            )
        )
    ExternalRef.objects.bulk_create(refs, batch_size=CHUNK)


def _timed_sync(connection: Any) -> tuple[float, int, Any]:
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    from accounting.engine.sync import run_sync
    from integrations.models import Connection

    fresh = Connection.objects.select_related("organisation").get(pk=connection.pk)
    with CaptureQueriesContext(db) as queries:
        clock = time.perf_counter()
        run = run_sync(fresh, "manual")
        wall = time.perf_counter() - clock
    return wall, len(queries), run


def _measure_size(count: int) -> dict[str, Any]:
    def world() -> Any:
        from accounting.models import Entity, PushCursor

        organisation, owner, tax, income = _organisation()
        connection = connect_and_map(owner, tax, income)
        _timed_sync(connection)  # the customers go out for real
        _invoices(organisation, count, tax, income)
        _link_as_pushed(connection)
        _age(organisation)
        # As a day after the last full check: the next sync reads every invoice.
        PushCursor.objects.filter(connection=connection, entity=Entity.INVOICE).delete()
        return connection

    def measure(connection: Any) -> dict[str, Any]:
        from integrations.models import AuditEntry

        full_s, _, _ = _timed_sync(connection)
        quiet = [_timed_sync(connection) for _ in range(QUIET_RUNS)]
        walls = sorted(wall for wall, _, _ in quiet)
        return {
            "invoices": count,
            "noop_sync_s": round(walls[len(walls) // 2], 3),
            "noop_sync_s_all": [round(wall, 3) for wall, _, _ in quiet],
            "noop_sync_queries": [queries for _, queries, _ in quiet],
            "noop_sync_calls": [AuditEntry.objects.filter(run=r).count() for _, _, r in quiet],
            "noop_sync_status": sorted({r.status for _, _, r in quiet}),
            "full_check_s": round(full_s, 3),
        }

    return serve_and_measure({"SANDBOX_XERO_REDIRECT_URIS": CALLBACK}, _point_at, world, measure)


def run() -> dict[str, Any]:
    small, large = (_measure_size(count) for count in SIZES)
    return {
        "small": small,
        "large": large,
        "ratio": round(large["noop_sync_s"] / small["noop_sync_s"], 3),
        "queries_equal": set(large["noop_sync_queries"]) == set(small["noop_sync_queries"]),
        "target": "ratio <= 1.5 with equal queries",
    }
