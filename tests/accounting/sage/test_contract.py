"""Sage runs the accounting provider contract (tests/accounting/contract.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounting.providers.sage import provider as sage_provider
from integrations.models import Connection
from sandbox.sage import books, controls, faults
from sandbox.sage.seed import DEMO_HIRE_UK, SANDBOX_USER
from tests import factories
from tests.accounting.contract import LedgerHarness, LedgerInvoice, ProviderContract
from tests.accounting.sage.helpers import connect_through_sandbox, map_everything
from tests.conftest import Tenants, client_for


class SageHarness:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    def connect(self, tenants: Tenants) -> Connection:
        connect_through_sandbox(client_for(tenants.owner))
        connection = Connection.objects.select_related("organisation").get()
        factories.line(tenants.alpha, "1.00")
        map_everything(connection)
        return connection

    def invoice(self, remote_id: str) -> LedgerInvoice:
        row = books.invoice(DEMO_HIRE_UK, remote_id)
        return LedgerInvoice(row.reference, row.status == "DRAFT", row.net_amount)

    def references(self) -> list[str]:
        return [row.reference for row in books.invoices_of(DEMO_HIRE_UK)]

    def approve_and_pay(self, remote_id: str, amount: str) -> None:
        books.release_invoice(DEMO_HIRE_UK, remote_id)
        books.record_payment(DEMO_HIRE_UK, remote_id, Decimal(amount))

    def edit_price(self, remote_id: str, unit_price: str) -> None:
        books.edit_invoice(DEMO_HIRE_UK, remote_id, unit_price=Decimal(unit_price))

    def lose_write_answers(self) -> None:
        faults.commit_then_fail()

    def throttle(self, seconds: float) -> None:
        self.monkeypatch.setattr(sage_provider, "BACKOFF_FIRST_S", 0.5)
        faults.throttle_api(minutes=seconds / 60)

    def clear_faults(self) -> None:
        faults.clear_faults()

    def expire_access_tokens(self) -> None:
        controls.expire_access_tokens(controls.grant_for(SANDBOX_USER))


class TestSageContract(ProviderContract):
    @pytest.fixture
    def harness(self, sage_sandbox: str, monkeypatch: pytest.MonkeyPatch) -> LedgerHarness:
        return SageHarness(monkeypatch)
