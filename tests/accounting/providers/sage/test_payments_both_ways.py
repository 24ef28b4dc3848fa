"""Payments and credit allocations recorded in Patchbay reach Sage (the sandbox, over real
HTTP) as contact payments and contact allocations, once; a payment on a draft waits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from accounting import push_choices
from accounting.models import Entity, ExternalRef, PushSettings
from integrations.models import AuditEntry, Connection, SyncRun
from operations import services
from operations.models import Payment
from sandbox.sage import books, faults
from sandbox.sage.models import SageSalesInvoice
from sandbox.sage.seed import DEMO_HIRE_UK
from tests import factories
from tests.accounting.providers.sage.helpers import ref_of, remote_id_of, sync
from tests.conftest import Tenants

APPROVED = PushSettings.InvoiceStatus.APPROVED


def _pushes(entity: str) -> int:
    return AuditEntry.objects.filter(direction="push", entity=entity).count()


def _remote(invoice_pk: int) -> SageSalesInvoice:
    return books.invoice(DEMO_HIRE_UK, remote_id_of(Entity.INVOICE, invoice_pk))


def test_a_part_payment_reaches_sage_once_and_its_echo_is_not_counted_again(
    sage_connected: Connection, tenants: Tenants
) -> None:
    push_choices.save(sage_connected, APPROVED, None)
    invoice = factories.make_issued_invoice(tenants.alpha)  # 120.00
    sync(sage_connected)
    assert _remote(invoice.pk).status == "UNPAID"  # released, not a draft
    payment = services.record_payment(invoice, Decimal("40.00"), date.today(), "BACS 7")

    run = sync(sage_connected)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    remote = _remote(invoice.pk)
    assert (remote.status, remote.outstanding_amount) == ("PART_PAID", Decimal("80.00"))
    [receipt] = books.payments_of(DEMO_HIRE_UK)
    assert (receipt.total_amount, receipt.reference) == (Decimal("40.00"), "BACS 7")
    ref = ref_of(Entity.PAYMENT, payment.pk)
    assert ref.state == ExternalRef.State.LINKED
    assert ref.remote_id.startswith(f"{receipt.guid}:")  # the id its pull gives the share
    assert _pushes(Entity.PAYMENT) == 1

    sync(sage_connected)  # the receipt comes back in the pull

    invoice.refresh_from_db()
    assert Payment.objects.filter(invoice=invoice).count() == 1
    assert invoice.amount_due == Decimal("80.00")
    assert _pushes(Entity.PAYMENT) == 1


def test_a_payment_on_a_sage_draft_waits_until_the_bookkeeper_releases_it(
    sage_connected: Connection, tenants: Tenants
) -> None:
    invoice = factories.make_issued_invoice(tenants.alpha)  # pushed as a draft
    sync(sage_connected)
    payment = services.record_payment(invoice, Decimal("10.00"), date.today())

    sync(sage_connected)

    ref = ref_of(Entity.PAYMENT, payment.pk)
    assert ref.state == ExternalRef.State.WAITING
    assert invoice.number in ref.last_error and "Sage" in ref.last_error
    assert _pushes(Entity.PAYMENT) == 0

    books.release_invoice(DEMO_HIRE_UK, remote_id_of(Entity.INVOICE, invoice.pk))
    sync(sage_connected)

    ref.refresh_from_db()
    assert ref.state == ExternalRef.State.LINKED
    assert _remote(invoice.pk).outstanding_amount == Decimal("110.00")


def test_a_receipt_whose_answer_was_lost_is_not_made_twice(
    sage_connected: Connection, tenants: Tenants
) -> None:
    push_choices.save(sage_connected, APPROVED, None)
    invoice = factories.make_issued_invoice(tenants.alpha)
    sync(sage_connected)
    services.record_payment(invoice, Decimal("15.00"), date.today())

    faults.commit_then_fail()
    lost = sync(sage_connected, allow_failure=True)
    faults.clear_faults()
    assert lost.status == SyncRun.Status.FAILED
    sync(sage_connected)  # resent with the same idempotency_id: Sage replays
    sync(sage_connected)

    assert len(books.payments_of(DEMO_HIRE_UK)) == 1
    assert _remote(invoice.pk).outstanding_amount == Decimal("105.00")
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("105.00")
    assert Payment.objects.filter(invoice=invoice).count() == 1


def test_a_credit_note_is_allocated_to_its_invoice_in_sage(
    sage_connected: Connection, tenants: Tenants
) -> None:
    push_choices.save(sage_connected, APPROVED, None)
    invoice = factories.make_issued_invoice(tenants.alpha)  # 120.00
    note = factories.make_issued_credit_note(tenants.alpha, invoice)  # 24.00

    run = sync(sage_connected)

    assert run.status == SyncRun.Status.SUCCEEDED, run.errors
    assert ref_of(Entity.ALLOCATION, note.pk).state == ExternalRef.State.LINKED
    assert _remote(invoice.pk).outstanding_amount == Decimal("96.00")
    sync(sage_connected)
    invoice.refresh_from_db()
    assert invoice.amount_due == Decimal("96.00")
    assert _pushes(Entity.ALLOCATION) == 1
