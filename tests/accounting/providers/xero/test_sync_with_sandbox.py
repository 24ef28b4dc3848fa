"""The engine against the Xero sandbox over real HTTP: push, bookkeeper, pull."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from accounting.engine import reviews
from accounting.engine.sync import run_sync
from accounting.models import Entity, ExternalRef
from integrations.models import AuditEntry, Connection, SyncRun
from operations.models import Customer, Invoice
from sandbox.xero import books
from sandbox.xero.seed import DEMO_COMPANY_UK
from tests import factories
from tests.accounting.providers.xero.sandbox_flow import connect_through_sandbox
from tests.accounting.test_engine import map_everything
from tests.conftest import Tenants, client_for


@pytest.fixture
def connected(xero_sandbox: str, settings: Any, tenants: Tenants) -> Connection:
    settings.SANDBOX_XERO_REDIRECT_URIS = ["http://testserver/settings/integrations/xero/callback/"]
    connect_through_sandbox(client_for(tenants.owner))
    return Connection.objects.select_related("organisation").get()


def test_an_issued_invoice_reaches_xero_as_a_draft_and_its_payment_comes_back(
    connected: Connection, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)  # 120.00 due
    map_everything(connected)

    first = run_sync(connected, SyncRun.Trigger.MANUAL)

    assert first.status == SyncRun.Status.SUCCEEDED, first.errors
    remote = books.invoice(DEMO_COMPANY_UK, invoice.number)
    assert (remote.status, remote.reference) == ("DRAFT", invoice.number)
    assert ExternalRef.objects.get(entity=Entity.INVOICE).remote_id == str(remote.invoice_id)

    books.authorise_invoice(DEMO_COMPANY_UK, remote.invoice_id)
    books.record_payment(DEMO_COMPANY_UK, remote.invoice_id, "50.00")
    second = run_sync(connected, SyncRun.Trigger.SCHEDULE)

    assert second.status == SyncRun.Status.SUCCEEDED, second.errors
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_due) == (Invoice.Status.PARTIALLY_PAID, Decimal("70.00"))
    third = run_sync(connected, SyncRun.Trigger.SCHEDULE)
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("70.00")  # the payment is not applied twice
    assert third.counts.get("created", 0) == 0
    assert (
        len(books.invoices_of(DEMO_COMPANY_UK))
        == len([i for i in books.invoices_of(DEMO_COMPANY_UK) if i.reference != invoice.number]) + 1
    )


def test_a_crash_after_xero_applied_a_batch_creates_nothing_twice(
    connected: Connection, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounting.engine import push as push_module

    invoices = [
        factories.make_issued_invoice(
            tenants.alpha, factories.make_customer(tenants.alpha, name=f"Customer {n}")
        )
        for n in range(3)
    ]
    map_everything(connected)
    real_apply = push_module._apply
    crashed: list[bool] = []

    def crash_once(run: SyncRun, entity: str, *rest: Any) -> None:
        if entity == Entity.INVOICE and not crashed:
            crashed.append(True)
            raise RuntimeError("worker killed after Xero answered")
        real_apply(run, entity, *rest)

    monkeypatch.setattr(push_module, "_apply", crash_once)
    with pytest.raises(RuntimeError):
        run_sync(connected, SyncRun.Trigger.MANUAL)
    run_sync(connected, SyncRun.Trigger.MANUAL)

    for invoice in invoices:
        matching = [i for i in books.invoices_of(DEMO_COMPANY_UK) if i.reference == invoice.number]
        assert len(matching) == 1
    assert ExternalRef.objects.filter(entity=Entity.INVOICE, state="linked").count() == 3
    keys = AuditEntry.objects.filter(entity=Entity.INVOICE, method="PUT").values_list(
        "idempotency_key", flat=True
    )
    assert len(set(keys)) == 1 and len(keys) == 2  # the same batch, replayed


def test_a_sandbox_failing_a_fifth_of_calls_ends_with_no_duplicates_and_nothing_missing(
    connected: Connection, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounting.providers.xero.adapter import XeroAdapter

    monkeypatch.setattr(XeroAdapter, "batch_size", 10)  # more calls, more chances to fail
    customers = [
        factories.make_customer(tenants.alpha, name=f"Flaky customer {n}") for n in range(10)
    ]
    invoices = [factories.make_issued_invoice(tenants.alpha, customers[n % 10]) for n in range(120)]
    map_everything(connected)
    books.set_fail_ratio(0.2, seed=7)
    statuses = []
    for _ in range(25):
        run = run_sync(Connection.objects.select_related("organisation").get(), "schedule")
        statuses.append(run.status)
        unfinished = ExternalRef.objects.exclude(state=ExternalRef.State.LINKED)
        if run.status == SyncRun.Status.SUCCEEDED and not unfinished.exists():
            break
    books.set_fail_ratio(0)

    assert SyncRun.Status.FAILED in statuses  # the faults did bite
    references = [i.reference for i in books.invoices_of(DEMO_COMPANY_UK)]
    assert sorted(r for r in references if r in {i.number for i in invoices}) == sorted(
        i.number for i in invoices
    )
    assert ExternalRef.objects.filter(entity=Entity.INVOICE, state="linked").count() == 120
    contacts = [c.name for c in books.contacts_of(DEMO_COMPANY_UK) if c.name.startswith("Flaky")]
    assert sorted(contacts) == sorted(c.name for c in customers)


def test_an_invoice_amended_after_a_crash_is_replayed_as_sent_then_updated(
    connected: Connection, tenants: Tenants, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounting.engine import push as push_module
    from tests.accounting.providers.xero.test_two_way_and_conflicts import amend

    invoice = factories.make_issued_invoice(tenants.alpha)
    map_everything(connected)
    real_apply = push_module._apply

    def crash_once(run: SyncRun, entity: str, *rest: Any) -> None:
        if entity == Entity.INVOICE:
            monkeypatch.setattr(push_module, "_apply", real_apply)
            raise RuntimeError("worker killed after Xero answered")
        real_apply(run, entity, *rest)

    monkeypatch.setattr(push_module, "_apply", crash_once)
    with pytest.raises(RuntimeError):
        run_sync(connected, SyncRun.Trigger.MANUAL)
    amend(invoice, "140.00")  # changed before the next run could resend
    run_sync(connected, SyncRun.Trigger.MANUAL)
    run_sync(connected, SyncRun.Trigger.MANUAL)

    matching = [i for i in books.invoices_of(DEMO_COMPANY_UK) if i.reference == invoice.number]
    assert len(matching) == 1  # the resend was a replay, not a second invoice
    assert matching[0].sub_total == Decimal("140.00")  # and the amendment followed
    sent, resent = AuditEntry.objects.filter(entity=Entity.INVOICE, method="PUT").order_by("id")
    assert (sent.request_body, sent.idempotency_key) == (
        resent.request_body,
        resent.idempotency_key,
    )


def test_a_payment_deleted_in_xero_comes_off_the_invoice_and_an_archived_contact_is_refused(
    connected: Connection, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)  # 120.00 due
    map_everything(connected)
    run_sync(connected, SyncRun.Trigger.MANUAL)
    remote = books.invoice(DEMO_COMPANY_UK, invoice.number)
    books.authorise_invoice(DEMO_COMPANY_UK, remote.invoice_id)
    payment = books.record_payment(DEMO_COMPANY_UK, remote.invoice_id, "120.00")
    run_sync(connected, SyncRun.Trigger.SCHEDULE)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID

    name = invoice.customer.name
    books.delete_payment(DEMO_COMPANY_UK, payment.payment_id)
    books.archive_contact(
        DEMO_COMPANY_UK,
        ExternalRef.objects.get(entity=Entity.CUSTOMER, local_id=invoice.customer_id).remote_id,
    )
    run = run_sync(connected, SyncRun.Trigger.SCHEDULE)

    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_due) == (Invoice.Status.ISSUED, Decimal("120.00"))
    assert not invoice.payments.exists()
    assert run.counts.get("removed") == 1
    customer = ExternalRef.objects.get(entity=Entity.CUSTOMER, local_id=invoice.customer_id)
    assert (customer.state, customer.last_error) == (
        ExternalRef.State.ERROR,
        reviews.DELETED_IN_LEDGER,
    )
    assert Customer.objects.get(pk=invoice.customer_id).name == name  # kept as it was


def test_an_invoice_saved_too_large_for_a_ledger_is_not_sent_and_says_why(
    connected: Connection, tenants: Tenants
) -> None:
    """Saved before money was bounded: shown as it is, but never sent to be refused or
    rounded by the ledger; the rest of the run goes on."""
    customer = factories.make_customer(tenants.alpha)
    fine = factories.make_issued_invoice(tenants.alpha, customer)
    huge = factories.make_issued_invoice(tenants.alpha, customer)
    huge.lines.update(quantity=Decimal("99999999.99"), unit_price=Decimal("999999999999.99"))
    map_everything(connected)

    run = run_sync(connected, SyncRun.Trigger.MANUAL)

    assert run.status == SyncRun.Status.PARTIAL
    [error] = run.errors
    assert error["local_id"] == huge.pk
    assert error["message"].startswith(f"Invoice {huge.number} was not sent: it comes to")
    assert books.invoice(DEMO_COMPANY_UK, fine.number).reference == fine.number
    assert [i.reference for i in books.invoices_of(DEMO_COMPANY_UK)].count(huge.number) == 0
    ref = ExternalRef.objects.get(entity=Entity.INVOICE, local_id=huge.pk)
    assert (ref.state, ref.remote_id) == (ExternalRef.State.ERROR, "")
    assert "999,999,999,999.99 a ledger takes" in ref.last_error
