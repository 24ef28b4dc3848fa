"""The provider contract suite's view of the Xero sandbox."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from integrations.models import Connection
from tests.accounting.contract.harness import ProviderHarness, RemoteInvoice


class XeroHarness(ProviderHarness):
    slug = "xero"
    draft_status = "DRAFT"

    def point_at_sandbox(self) -> None:
        from sandbox.xero.seed import ensure_demo_world

        base = f"{self.url}/sandbox/xero"
        self.settings.XERO_AUTHORIZE_URL = f"{base}/identity/connect/authorize"
        self.settings.XERO_TOKEN_URL = f"{base}/identity/connect/token"
        self.settings.XERO_REVOCATION_URL = f"{base}/identity/connect/revocation"
        self.settings.XERO_CONNECTIONS_URL = f"{base}/connections"
        self.settings.XERO_API_BASE = f"{base}/api.xro/2.0"
        callback = "http://testserver/settings/integrations/xero/callback/"
        self.settings.SANDBOX_XERO_REDIRECT_URIS = [callback]
        ensure_demo_world()

    def connect(self, client: Client) -> Connection:
        from tests.accounting.providers.xero.sandbox_flow import connect_through_sandbox

        connect_through_sandbox(client)
        return Connection.objects.select_related("organisation").get(provider=self.slug)

    def map(self, connection: Connection) -> None:
        from tests.accounting.test_engine import map_everything

        map_everything(connection)

    def purchase_orders(self) -> list[str]:
        from sandbox.xero import books
        from sandbox.xero.seed import DEMO_COMPANY_UK

        return [
            order.purchase_order_number
            for order in books.purchase_orders_of(DEMO_COMPANY_UK)
            if order.status != "DELETED"
        ]

    def invoices(self) -> list[RemoteInvoice]:
        from sandbox.xero import books
        from sandbox.xero.seed import DEMO_COMPANY_UK

        return [
            RemoteInvoice(str(i.invoice_id), i.reference, i.status, Decimal(i.sub_total))
            for i in books.invoices_of(DEMO_COMPANY_UK)
        ]

    def approve_and_pay(self, remote_id: str, amount: str) -> None:
        from sandbox.xero import books
        from sandbox.xero.seed import DEMO_COMPANY_UK

        books.authorise_invoice(DEMO_COMPANY_UK, remote_id)
        books.record_payment(DEMO_COMPANY_UK, remote_id, amount)

    def edit_price(self, remote_id: str, unit_price: str) -> None:
        from sandbox.xero import books
        from sandbox.xero.seed import DEMO_COMPANY_UK

        books.edit_invoice(DEMO_COMPANY_UK, remote_id, unit_amount=unit_price)

    def lose_answers_after_writing(self) -> None:
        from sandbox.xero import faults

        faults.commit_then_fail()

    def fail_a_share(self, ratio: float, seed: int) -> None:
        from sandbox.xero import faults

        faults.flaky_api(ratio, seed=seed)

    def clear_faults(self) -> None:
        from sandbox.xero import faults

        faults.clear_faults()

    def injected_failures(self) -> int:
        from sandbox.xero import faults

        return faults.injected_failures()

    def refreshes(self) -> int:
        from sandbox.xero import inspect

        return inspect.count_refreshes()

    def expire_access_tokens_remotely(self) -> None:
        from sandbox.xero.models import XeroToken

        XeroToken.objects.filter(kind=XeroToken.Kind.ACCESS).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
