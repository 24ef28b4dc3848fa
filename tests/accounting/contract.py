"""The accounting provider contract: one set of behaviour tests every provider package
runs against its own sandbox (issue 5, item 10).

A provider's test module subclasses ``ProviderContract`` and supplies a ``harness``
fixture returning a ``LedgerHarness``: how to connect through its sandbox and how its
bookkeeper and its faults act. The tests only speak the engine's and the harness's
terms, so the same assertions hold every provider to the same behaviour: connect, push,
pull a payment back, an idempotent retry, a conflict, a rate limit and token expiry.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from accounting.engine.sync import run_sync
from accounting.models import Entity, ExternalRef, Review, SyncRun
from integrations.models import Connection
from integrations.registry import provider_for
from operations import services
from operations.models import Invoice
from tests import factories
from tests.conftest import Tenants


@dataclass(frozen=True)
class LedgerInvoice:
    """An invoice as the ledger holds it, in the contract's terms."""

    reference: str
    draft: bool
    net: Decimal


class LedgerHarness(Protocol):
    def connect(self, tenants: Tenants) -> Connection:
        """Connect Alpha through the sandbox (as its owner) and map everything."""

    def invoice(self, remote_id: str) -> LedgerInvoice: ...

    def references(self) -> list[str]:
        """Every invoice reference in the connected ledger (duplicates kept)."""

    def approve_and_pay(self, remote_id: str, amount: str) -> None: ...

    def edit_price(self, remote_id: str, unit_price: str) -> None:
        """The bookkeeper changes the first line's unit price."""

    def lose_write_answers(self) -> None:
        """Writes are carried out, then their answers are lost."""

    def throttle(self, seconds: float) -> None:
        """Every call is refused with a 429 for this long (retries kept short)."""

    def clear_faults(self) -> None: ...

    def expire_access_tokens(self) -> None:
        """The provider ends the current access tokens early (Patchbay doesn't know)."""


def sync(connection: Connection) -> SyncRun:
    fresh = Connection.objects.select_related("organisation").get(pk=connection.pk)
    return run_sync(fresh, SyncRun.Trigger.MANUAL)


def remote_id_of(invoice: Invoice) -> str:
    return ExternalRef.objects.get(entity=Entity.INVOICE, local_id=invoice.pk).remote_id


def amend_price(invoice: Invoice, unit_price: str) -> None:
    [line] = invoice.lines.all()
    services.amend_issued_invoice(
        invoice,
        lines=[
            services.LineInput(
                description=line.description,
                quantity=line.quantity,
                unit_price=Decimal(unit_price),
                tax_category=line.tax_category,
                income_category=line.income_category,
            )
        ],
    )


class ProviderContract:
    """Behaviour every accounting provider shows against its sandbox."""

    def test_contract_connect(self, harness: LedgerHarness, tenants: Tenants) -> None:
        connection = harness.connect(tenants)

        assert connection.state == Connection.State.CONNECTED
        provider_for(connection.provider).check(connection)

    def test_contract_push_then_a_part_payment_comes_back(
        self, harness: LedgerHarness, tenants: Tenants
    ) -> None:
        connection = harness.connect(tenants)
        invoice = factories.make_issued_invoice(tenants.alpha)  # 100.00 + 20% tax

        assert sync(connection).status == SyncRun.Status.SUCCEEDED
        remote = harness.invoice(remote_id_of(invoice))
        assert (remote.reference, remote.draft, remote.net) == (
            invoice.number,
            True,
            Decimal("100.00"),
        )
        harness.approve_and_pay(remote_id_of(invoice), "50.00")
        sync(connection)
        sync(connection)

        invoice.refresh_from_db()
        assert (invoice.status, invoice.amount_due) == (
            Invoice.Status.PARTIALLY_PAID,
            Decimal("70.00"),
        )

    def test_contract_a_lost_answer_is_retried_without_a_duplicate(
        self, harness: LedgerHarness, tenants: Tenants
    ) -> None:
        connection = harness.connect(tenants)
        first = factories.make_issued_invoice(tenants.alpha)
        sync(connection)
        second = factories.make_issued_invoice(tenants.alpha, first.customer)
        harness.lose_write_answers()

        failed = sync(connection)
        harness.clear_faults()
        retried = sync(connection)

        assert failed.status == SyncRun.Status.FAILED
        assert retried.status == SyncRun.Status.SUCCEEDED
        assert harness.references().count(second.number) == 1
        assert ExternalRef.objects.get(entity=Entity.INVOICE, local_id=second.pk).remote_id

    def test_contract_edits_on_both_sides_are_a_conflict_overwriting_neither(
        self, harness: LedgerHarness, tenants: Tenants
    ) -> None:
        connection = harness.connect(tenants)
        invoice = factories.make_issued_invoice(tenants.alpha)
        sync(connection)
        harness.edit_price(remote_id_of(invoice), "90.00")
        amend_price(invoice, "130.00")

        run = sync(connection)

        assert run.counts.get("conflicts") == 1
        assert harness.invoice(remote_id_of(invoice)).net == Decimal("90.00")
        review = Review.objects.get(kind=Review.Kind.CONFLICT)
        assert review.patchbay_version != review.ledger_version

    def test_contract_a_rate_limit_is_waited_out(
        self, harness: LedgerHarness, tenants: Tenants
    ) -> None:
        connection = harness.connect(tenants)
        invoice = factories.make_issued_invoice(tenants.alpha)
        harness.throttle(1.5)

        run = sync(connection)

        assert run.status == SyncRun.Status.SUCCEEDED
        assert harness.references().count(invoice.number) == 1

    def test_contract_an_expired_access_token_is_refreshed(
        self, harness: LedgerHarness, tenants: Tenants
    ) -> None:
        connection = harness.connect(tenants)
        invoice = factories.make_issued_invoice(tenants.alpha)
        harness.expire_access_tokens()

        run = sync(connection)

        assert run.status == SyncRun.Status.SUCCEEDED
        assert harness.references().count(invoice.number) == 1
