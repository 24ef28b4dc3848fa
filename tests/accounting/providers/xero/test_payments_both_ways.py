"""Payments and credit allocations recorded in Patchbay reach Xero (the sandbox, over
real HTTP), once, and their echo in the next pull is not counted again."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from accounting import push_choices
from accounting.engine.sync import run_sync
from accounting.models import Entity, ExternalRef, PushSettings
from integrations.models import AuditEntry, Connection, SyncRun
from operations import services
from operations.models import Invoice, Payment
from sandbox.xero import books, faults
from sandbox.xero.seed import DEMO_COMPANY_UK
from tests import factories
from tests.accounting.providers.xero.sandbox_flow import connect_through_sandbox
from tests.accounting.test_engine import map_everything
from tests.conftest import Tenants, client_for

APPROVED = PushSettings.InvoiceStatus.APPROVED
DRAFT = PushSettings.InvoiceStatus.DRAFT


@pytest.fixture
def connected(xero_sandbox: str, settings: Any, tenants: Tenants) -> Connection:
    settings.SANDBOX_XERO_REDIRECT_URIS = ["http://testserver/settings/integrations/xero/callback/"]
    connect_through_sandbox(client_for(tenants.owner))
    connection = Connection.objects.select_related("organisation").get()
    factories.make_tax(tenants.alpha)
    factories.make_income(tenants.alpha)
    map_everything(connection)
    return connection


def _pushes(entity: str) -> int:
    return AuditEntry.objects.filter(direction="push", entity=entity).count()


def test_a_part_payment_reaches_xero_once_and_its_echo_is_not_counted_again(
    connected: Connection, tenants: Tenants
) -> None:
    push_choices.save(connected, APPROVED, None)
    invoice = factories.make_issued_invoice(tenants.alpha)  # 120.00 due
    run_sync(connected, SyncRun.Trigger.MANUAL)
    assert books.invoice(DEMO_COMPANY_UK, invoice.number).status == "AUTHORISED"

    payment = services.record_payment(invoice, Decimal("50.00"), date.today(), "BACS 1")
    second = run_sync(connected, SyncRun.Trigger.MANUAL)

    assert second.status == SyncRun.Status.SUCCEEDED, second.errors
    remote = books.invoice(DEMO_COMPANY_UK, invoice.number)
    assert (remote.amount_due, remote.amount_paid) == (Decimal("70.00"), Decimal("50.00"))
    [paid] = [p for p in books.payments_of(DEMO_COMPANY_UK) if p.invoice_id == remote.pk]
    assert (paid.amount, paid.account.code, paid.reference) == (Decimal("50.00"), "090", "BACS 1")
    ref = ExternalRef.objects.get(entity=Entity.PAYMENT, local_id=payment.pk)
    assert (ref.state, ref.remote_id) == (ExternalRef.State.LINKED, str(paid.payment_id))
    assert _pushes(Entity.PAYMENT) == 1  # one PUT /Payments for the one payment

    third = run_sync(connected, SyncRun.Trigger.SCHEDULE)  # pulls the payment back

    invoice.refresh_from_db()
    assert Payment.objects.filter(invoice=invoice).count() == 1
    assert (invoice.amount_due, invoice.status) == (Decimal("70.00"), "partially_paid")
    assert third.counts.get("skipped", 0) >= 1
    assert _pushes(Entity.PAYMENT) == 1  # nothing sent again


def test_a_payment_on_a_draft_waits_says_why_and_goes_once_approved_in_xero(
    connected: Connection, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)  # pushed as a draft (default)
    run_sync(connected, SyncRun.Trigger.MANUAL)
    payment = services.record_payment(invoice, Decimal("20.00"), date.today())

    waiting = run_sync(connected, SyncRun.Trigger.MANUAL)

    ref = ExternalRef.objects.get(entity=Entity.PAYMENT, local_id=payment.pk)
    assert ref.state == ExternalRef.State.WAITING
    assert invoice.number in ref.last_error and "approved in Xero" in ref.last_error
    assert any(invoice.number in e["message"] for e in waiting.errors)
    assert _pushes(Entity.PAYMENT) == 0  # Xero was not asked to pay a draft
    assert books.payments_of(DEMO_COMPANY_UK) == [] or all(
        p.invoice.reference != invoice.number for p in books.payments_of(DEMO_COMPANY_UK)
    )

    books.authorise_invoice(DEMO_COMPANY_UK, invoice.number)  # the bookkeeper approves
    run_sync(connected, SyncRun.Trigger.MANUAL)

    ref.refresh_from_db()
    assert (ref.state, ref.last_error) == (ExternalRef.State.LINKED, "")
    assert books.invoice(DEMO_COMPANY_UK, invoice.number).amount_due == Decimal("100.00")


def test_a_payment_whose_answer_was_lost_is_not_paid_twice(
    connected: Connection, tenants: Tenants
) -> None:
    push_choices.save(connected, APPROVED, None)
    invoice = factories.make_issued_invoice(tenants.alpha)
    run_sync(connected, SyncRun.Trigger.MANUAL)
    payment = services.record_payment(invoice, Decimal("30.00"), date.today())

    faults.commit_then_fail()  # Xero applies the write, the answer never arrives
    lost = run_sync(connected, SyncRun.Trigger.MANUAL)
    faults.clear_faults()
    assert lost.status == SyncRun.Status.FAILED
    assert ExternalRef.objects.get(entity=Entity.PAYMENT, local_id=payment.pk).state == "pending"

    run_sync(connected, SyncRun.Trigger.MANUAL)  # resent under the same key: replayed
    run_sync(connected, SyncRun.Trigger.SCHEDULE)

    remote = books.invoice(DEMO_COMPANY_UK, invoice.number)
    live = [p for p in books.payments_of(DEMO_COMPANY_UK) if p.invoice_id == remote.pk]
    assert [p.amount for p in live] == [Decimal("30.00")]
    assert remote.amount_due == Decimal("90.00")
    invoice.refresh_from_db()
    assert (invoice.amount_due, Payment.objects.filter(invoice=invoice).count()) == (
        Decimal("90.00"),
        1,
    )
    ref = ExternalRef.objects.get(entity=Entity.PAYMENT, local_id=payment.pk)
    assert (ref.state, ref.remote_id) == ("linked", str(live[0].payment_id))


def test_a_credit_note_against_an_invoice_is_allocated_in_xero(
    connected: Connection, tenants: Tenants
) -> None:
    push_choices.save(connected, APPROVED, None)
    invoice = factories.make_issued_invoice(tenants.alpha)  # 120.00
    note = factories.make_issued_credit_note(tenants.alpha, invoice)  # 24.00 credited

    run = run_sync(connected, SyncRun.Trigger.MANUAL)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    remote = books.invoice(DEMO_COMPANY_UK, invoice.number)
    invoice.refresh_from_db()
    assert remote.amount_due == invoice.amount_due == Decimal("96.00")
    ref = ExternalRef.objects.get(entity=Entity.ALLOCATION, local_id=note.pk)
    assert ref.state == ExternalRef.State.LINKED and ref.remote_id
    run_sync(connected, SyncRun.Trigger.SCHEDULE)
    assert _pushes(Entity.ALLOCATION) == 1  # allocated once
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("96.00")


def test_nothing_issued_before_the_start_date_is_pushed_unless_included(
    connected: Connection, tenants: Tenants
) -> None:
    customer = factories.make_customer(tenants.alpha)
    old = factories.make_issued_invoice(tenants.alpha, customer)
    Invoice.objects.filter(pk=old.pk).update(issue_date=date.today() - timedelta(days=60))
    services.record_payment(old, old.amount_due, date.today() - timedelta(days=50))
    new = factories.make_issued_invoice(tenants.alpha, customer)
    push_choices.save(connected, APPROVED, date.today() - timedelta(days=7))

    run_sync(connected, SyncRun.Trigger.MANUAL)

    references = {i.reference for i in books.invoices_of(DEMO_COMPANY_UK)}
    assert new.number in references and old.number not in references
    assert not ExternalRef.objects.filter(entity=Entity.PAYMENT).exists()

    push_choices.include_before_start(tenants.alpha, Entity.INVOICE, old.pk, tenants.owner)
    included = run_sync(connected, SyncRun.Trigger.MANUAL)

    assert included.status == SyncRun.Status.SUCCEEDED, included.errors

    remote_id = ExternalRef.objects.get(entity=Entity.INVOICE, local_id=old.pk).remote_id
    remote = books.invoice(DEMO_COMPANY_UK, remote_id)  # by id: Xero numbers its own INV-…
    assert (remote.status, remote.amount_due) == ("PAID", Decimal("0.00"))
    old.refresh_from_db()
    assert Payment.objects.filter(invoice=old).count() == 1


def test_a_payment_keyed_in_both_patchbay_and_xero_is_counted_once(
    connected: Connection, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)  # a draft in Xero
    run_sync(connected, SyncRun.Trigger.MANUAL)
    payment = services.record_payment(invoice, Decimal("60.00"), date.today(), "BACS 2")
    run_sync(connected, SyncRun.Trigger.MANUAL)  # waits: the invoice is a draft there
    books.authorise_invoice(DEMO_COMPANY_UK, invoice.number)
    keyed = books.record_payment(DEMO_COMPANY_UK, invoice.number, "60.00", on=date.today())

    run = run_sync(connected, SyncRun.Trigger.MANUAL)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    ref = ExternalRef.objects.get(entity=Entity.PAYMENT, local_id=payment.pk)
    assert (ref.state, ref.remote_id) == ("linked", str(keyed.payment_id))
    assert _pushes(Entity.PAYMENT) == 0  # Xero already had it
    invoice.refresh_from_db()
    assert (invoice.amount_due, Payment.objects.filter(invoice=invoice).count()) == (
        Decimal("60.00"),
        1,
    )
    assert books.invoice(DEMO_COMPANY_UK, invoice.number).amount_due == Decimal("60.00")
