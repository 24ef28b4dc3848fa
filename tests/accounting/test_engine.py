"""The sync engine with the Xero adapter, against Xero's wire protocol (responses)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
import responses
from django.conf import settings
from django.utils import timezone

from accounting.engine import push as push_module
from accounting.engine.sync import run_sync
from accounting.models import AccountMapping, Entity, ExternalRef, Review
from integrations.models import AuditEntry, Connection, SyncRun
from integrations.syncs import claim_due
from operations.models import IncomeCategory, Invoice, TaxCategory
from tests import factories
from tests.conftest import Tenants, client_for
from tests.integrations.helpers import make_connection, next_sync_at

API = settings.XERO_API_BASE


def map_everything(connection: Connection) -> None:
    org = connection.organisation
    rows = [
        (AccountMapping.Kind.INCOME, c.pk, "200")
        for c in IncomeCategory.objects.filter(organisation=org)
    ]
    rows += [
        (AccountMapping.Kind.TAX, t.pk, "OUTPUT2")
        for t in TaxCategory.objects.filter(organisation=org)
    ]
    rows.append((AccountMapping.Kind.PAYMENT_ACCOUNT, 0, "090"))
    for kind, local_id, code in rows:
        AccountMapping.objects.create(
            organisation=org, connection=connection, kind=kind, local_id=local_id, remote_code=code
        )


def echo(plural: str, id_field: str, fail: set[str] | None = None) -> Any:
    """A Xero-like PUT answer: each element back with an id, or with its errors."""

    def callback(request: Any) -> tuple[int, dict[str, str], str]:
        elements = json.loads(request.body)[plural]
        answered = []
        for n, element in enumerate(elements):
            if fail and element.get("Reference") in fail:
                answered.append(
                    {
                        **element,
                        "HasErrors": True,
                        "StatusAttributeString": "ERROR",
                        "ValidationErrors": [{"Message": "Account code '999' is not a valid code"}],
                    }
                )
            else:
                answered.append(
                    {
                        **element,
                        id_field: f"{id_field}-{n}-{element.get('Reference', '')}",
                        "UpdatedDateUTC": "/Date(1777886101230+0000)/",
                        "StatusAttributeString": "OK",
                    }
                )
        return 200, {}, json.dumps({"Status": "OK", plural: answered})

    return callback


def mock_xero(fail: set[str] | None = None, payments: list[dict[str, Any]] | None = None) -> None:
    """An empty Xero organisation that accepts what Patchbay pushes."""
    # Nothing changed, and nothing deleted or voided (the read of removed documents).
    for plural in ("Contacts", "Items", "Invoices", "CreditNotes"):
        responses.add(responses.GET, f"{API}/{plural}", json={plural: []})
    responses.add_callback(responses.PUT, f"{API}/Contacts", callback=echo("Contacts", "ContactID"))
    responses.add_callback(responses.PUT, f"{API}/Items", callback=echo("Items", "ItemID"))
    responses.add_callback(
        responses.PUT, f"{API}/Invoices", callback=echo("Invoices", "InvoiceID", fail)
    )
    responses.add(responses.GET, f"{API}/Payments", json={"Payments": payments or []})


@pytest.fixture
def connected(tenants: Tenants, settings: Any) -> Connection:
    # One batch at a time: pool threads would not see this test's open transaction.
    settings.SYNC_PUSH_CONCURRENCY = 1
    connection = make_connection(tenants.alpha)
    return Connection.objects.select_related("organisation").get(pk=connection.pk)


def calls_to(path: str, method: str = "PUT") -> list[Any]:
    return [c for c in responses.calls if c.request.method == method and path in str(c.request.url)]


def test_the_first_sync_refuses_to_run_until_mappings_exist(
    connected: Connection, tenants: Tenants
) -> None:
    factories.make_issued_invoice(tenants.alpha)
    run = run_sync(connected, SyncRun.Trigger.MANUAL)
    assert run.status == SyncRun.Status.REFUSED
    assert "income category" in run.errors[0]["message"]


@responses.activate
def test_issued_invoices_are_pushed_as_drafts_in_batches_and_linked(
    connected: Connection, tenants: Tenants
) -> None:
    invoices = [factories.make_issued_invoice(tenants.alpha) for _ in range(3)]
    factories.make_invoice(tenants.alpha)  # a draft stays home
    map_everything(connected)
    mock_xero()

    run = run_sync(connected, SyncRun.Trigger.MANUAL)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    [invoice_put] = calls_to("/Invoices")
    body = json.loads(invoice_put.request.body)["Invoices"]
    assert [i["Reference"] for i in body] == [i.number for i in invoices]
    assert {i["Status"] for i in body} == {"DRAFT"}
    assert body[0]["LineItems"][0]["AccountCode"] == "200"
    assert body[0]["LineItems"][0]["TaxType"] == "OUTPUT2"
    assert "summarizeErrors=false" in str(invoice_put.request.url)
    assert invoice_put.request.headers["Idempotency-Key"].startswith("pb-batch-")
    assert invoice_put.request.headers["xero-tenant-id"] == connected.remote_id
    links = ExternalRef.objects.filter(entity=Entity.INVOICE, state=ExternalRef.State.LINKED)
    assert sorted(links.values_list("local_id", flat=True)) == [i.pk for i in invoices]


@responses.activate
def test_pushed_invoices_are_skipped_next_time(connected: Connection, tenants: Tenants) -> None:
    factories.make_issued_invoice(tenants.alpha)
    map_everything(connected)
    mock_xero()
    run_sync(connected, SyncRun.Trigger.MANUAL)
    run_sync(connected, SyncRun.Trigger.SCHEDULE)
    assert len(calls_to("/Invoices")) == 1
    assert len(calls_to("/Contacts")) == 1


@responses.activate
def test_one_bad_invoice_is_recorded_and_the_rest_go_through(
    connected: Connection, tenants: Tenants
) -> None:
    good, bad = (
        factories.make_issued_invoice(tenants.alpha),
        factories.make_issued_invoice(tenants.alpha),
    )
    map_everything(connected)
    mock_xero(fail={bad.number})
    run = run_sync(connected, SyncRun.Trigger.MANUAL)
    assert run.status == SyncRun.Status.PARTIAL
    assert "not a valid code" in run.errors[0]["message"]
    refs = {r.local_id: r.state for r in ExternalRef.objects.filter(entity=Entity.INVOICE)}
    assert refs == {good.pk: ExternalRef.State.LINKED, bad.pk: ExternalRef.State.ERROR}


@responses.activate
def test_a_crash_after_sending_resends_the_same_batch_with_the_same_key(
    connected: Connection, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(2):
        factories.make_issued_invoice(tenants.alpha)
    map_everything(connected)
    mock_xero()
    real_apply = push_module._apply
    crashes = {"left": 1}

    def apply_or_crash(run: SyncRun, entity: str, *rest: Any) -> None:
        if entity == Entity.INVOICE and crashes["left"]:
            crashes["left"] -= 1
            raise RuntimeError("worker killed between the answer and the links")
        real_apply(run, entity, *rest)

    monkeypatch.setattr(push_module, "_apply", apply_or_crash)
    with pytest.raises(RuntimeError):
        run_sync(connected, SyncRun.Trigger.MANUAL)
    assert set(
        ExternalRef.objects.filter(entity=Entity.INVOICE).values_list("state", flat=True)
    ) == {"pending"}
    run_sync(connected, SyncRun.Trigger.MANUAL)
    first, second = calls_to("/Invoices")
    assert first.request.headers["Idempotency-Key"] == second.request.headers["Idempotency-Key"]
    assert first.request.body == second.request.body
    assert ExternalRef.objects.filter(entity=Entity.INVOICE, state="linked").count() == 2


@responses.activate
def test_payments_come_back_partial_then_full_and_boundary_repeats_are_ignored(
    connected: Connection, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)  # 120.00 due
    map_everything(connected)
    mock_xero()
    run_sync(connected, SyncRun.Trigger.MANUAL)
    remote_invoice = ExternalRef.objects.get(entity=Entity.INVOICE).remote_id
    partial = {
        "PaymentID": "p-1",
        "Invoice": {"InvoiceID": remote_invoice},
        "Amount": 50.0,
        "Date": "/Date(1777852800000+0000)/",
        "UpdatedDateUTC": "/Date(1777886101230+0000)/",
        "Status": "AUTHORISED",
        "Reference": "bank",
    }
    rest = {
        **partial,
        "PaymentID": "p-2",
        "Amount": 70.0,
        "UpdatedDateUTC": "/Date(1777886200000+0000)/",
    }

    responses.replace(responses.GET, f"{API}/Payments", json={"Payments": [partial]})
    run_sync(connected, SyncRun.Trigger.SCHEDULE)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_due) == (Invoice.Status.PARTIALLY_PAID, Decimal("70.00"))

    responses.replace(responses.GET, f"{API}/Payments", json={"Payments": [partial, rest]})
    run_sync(connected, SyncRun.Trigger.SCHEDULE)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_due) == (Invoice.Status.PAID, Decimal("0.00"))
    assert invoice.payments.count() == 2
    last_read = calls_to("/Payments", "GET")[-1].request
    assert last_read.headers["If-Modified-Since"].startswith("2026-05-04T09:1")


@responses.activate
def test_a_pushed_invoice_can_be_traced_from_its_audit_entries(
    connected: Connection, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)
    map_everything(connected)
    mock_xero()
    run_sync(connected, SyncRun.Trigger.MANUAL)
    entry = AuditEntry.objects.get(entity=Entity.INVOICE, local_ids__contains=[invoice.pk])
    assert invoice.number in entry.request_body
    assert entry.status_code == 200 and entry.outcome == AuditEntry.Outcome.CREATED
    assert entry.idempotency_key.startswith("pb-batch-")
    assert entry.remote_ids == [ExternalRef.objects.get(entity=Entity.INVOICE).remote_id]
    assert "access_token" not in entry.request_body and "Bearer" not in entry.request_body


def test_due_connections_are_claimed_once_across_dispatchers(connected: Connection) -> None:
    assert claim_due() == [connected.pk]
    assert claim_due() == []


@responses.activate
def test_a_429_waits_out_retry_after_and_carries_on(
    connected: Connection, tenants: Tenants
) -> None:
    factories.make_issued_invoice(tenants.alpha)
    map_everything(connected)
    responses.add(
        responses.PUT,
        f"{API}/Contacts",
        status=429,
        headers={"Retry-After": "0", "X-Rate-Limit-Problem": "minute"},
    )
    mock_xero()
    run = run_sync(connected, SyncRun.Trigger.MANUAL)
    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    assert len(calls_to("/Contacts")) == 2


@responses.activate
def test_the_daily_limit_pauses_the_connection_and_says_so(
    connected: Connection, tenants: Tenants
) -> None:
    factories.make_issued_invoice(tenants.alpha)
    map_everything(connected)
    responses.add(
        responses.GET,
        f"{API}/Contacts",
        status=429,
        headers={"Retry-After": "3600", "X-Rate-Limit-Problem": "day"},
    )
    run = run_sync(connected, SyncRun.Trigger.MANUAL)
    connected.refresh_from_db()
    assert "daily limit" in run.errors[0]["message"]
    assert connected.state == Connection.State.DEGRADED and "daily limit" in connected.reason
    next_at = next_sync_at(connected)
    assert next_at is not None and run.finished_at is not None
    assert next_at > run.finished_at
    page = client_for(tenants.owner).get("/settings/integrations/").content.decode()
    assert "daily limit" in page


def test_a_pending_batch_is_replayed_under_its_key_only_while_it_is_the_same_batch(
    connected: Connection,
) -> None:
    def pending(local_id: int, key: str, remote_id: str = "") -> None:
        ExternalRef.objects.create(
            organisation=connected.organisation,
            connection=connected,
            entity=Entity.INVOICE,
            local_id=local_id,
            state=ExternalRef.State.LINKED if remote_id else ExternalRef.State.PENDING,
            remote_id=remote_id,
            batch_key=key,
        )

    pending(1, "intact")
    pending(2, "intact")
    pending(3, "changed")
    pending(4, "changed", remote_id="recognised-by-a-pull")
    records = [(n, {"Reference": f"INV-{n}"}) for n in (1, 2, 3, 4, 5)]

    work = push_module.plan(connected, Entity.INVOICE, records, lambda data: data)

    resend = {key: [i.local_id for i in items] for key, items in work.resend.items()}
    assert resend.pop("intact") == [1, 2]  # replayed under the key it was sent with
    [(new_key, ids)] = resend.items()
    assert ids == [3] and new_key not in ("changed", "intact")
    assert [item.local_id for item in work.creates] == [5]


def _run_updates_pulling(connected: Connection, contacts: int) -> int:
    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    responses.reset()
    mock_xero()
    responses.replace(
        responses.GET,
        f"{API}/Contacts",
        json={
            "Contacts": [
                {
                    "ContactID": f"c-{contacts}-{n}",
                    "Name": f"Ledger Contact {contacts}-{n}",
                    "UpdatedDateUTC": "/Date(1777886101230+0000)/",
                }
                for n in range(contacts)
            ]
        },
    )
    with CaptureQueriesContext(db) as queries:
        run_sync(connected, SyncRun.Trigger.MANUAL)
    return sum(1 for q in queries if q["sql"].startswith('UPDATE "accounting_syncrun"'))


@responses.activate
def test_run_counters_are_written_per_page_not_per_record(
    connected: Connection, tenants: Tenants
) -> None:
    map_everything(connected)
    few = _run_updates_pulling(connected, 3)
    many = _run_updates_pulling(connected, 40)
    run = SyncRun.objects.order_by("-pk").first()
    assert run is not None and sum(run.counts.values()) >= 40  # every record still counted
    assert many == few


@responses.activate
def test_an_update_that_finds_its_invoice_deleted_opens_the_removal_review_not_a_write(
    connected: Connection, tenants: Tenants
) -> None:
    """Deleted in Xero after this sync's removal read, before its update read: the read
    of the record to update sees Status DELETED, and the same review opens."""
    invoice = factories.make_issued_invoice(tenants.alpha)
    map_everything(connected)
    mock_xero()
    run_sync(connected, SyncRun.Trigger.MANUAL)
    ref = ExternalRef.objects.get(entity=Entity.INVOICE, local_id=invoice.pk)
    deleted = {
        "InvoiceID": ref.remote_id,
        "Status": "DELETED",
        "UpdatedDateUTC": "/Date(1777886200000+0000)/",
        "LineItems": [],
    }

    def invoices(request: Any) -> tuple[int, dict[str, str], str]:
        seen = [] if "Statuses" in request.url else [deleted]  # the removal read misses it
        return 200, {}, json.dumps({"Invoices": seen})

    responses.remove(responses.GET, f"{API}/Invoices")
    responses.add_callback(responses.GET, f"{API}/Invoices", callback=invoices)
    invoice.lines.update(unit_price=Decimal("140.00"))
    Invoice.objects.filter(pk=invoice.pk).update(updated_at=timezone.now())

    run_sync(connected, SyncRun.Trigger.MANUAL)

    review = Review.objects.get(kind=Review.Kind.REMOVED)
    assert review.ledger_version["message"].startswith(f"{invoice.number} was deleted in Xero")
    ref.refresh_from_db()
    assert ref.state == ExternalRef.State.REVIEW
    assert calls_to("/Invoices", "POST") == []  # nothing written over it
