"""The provider contract suite's view of the QuickBooks Online sandbox."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.test import Client

from integrations.models import Connection
from tests.accounting.contract.harness import ProviderHarness, RemoteInvoice


class QuickBooksHarness(ProviderHarness):
    """QuickBooks has no draft invoices: a pushed invoice is simply open. The UK demo
    company: Patchbay's test customers are in sterling."""

    slug = "quickbooks"
    draft_status = "OPEN"

    @property
    def realm(self) -> str:
        from sandbox.quickbooks.seed import UK_REALM

        return UK_REALM

    def point_at_sandbox(self) -> None:
        from sandbox.quickbooks.seed import ensure_demo_world

        base = f"{self.url}/sandbox/quickbooks"
        self.settings.QUICKBOOKS_AUTHORIZE_URL = f"{base}/connect/oauth2"
        self.settings.QUICKBOOKS_TOKEN_URL = f"{base}/oauth2/v1/tokens/bearer"
        self.settings.QUICKBOOKS_REVOCATION_URL = f"{base}/v2/oauth2/tokens/revoke"
        self.settings.QUICKBOOKS_ISSUER = f"{base}/op/v1"
        self.settings.QUICKBOOKS_JWKS_URL = f"{base}/op/v1/jwks"
        self.settings.QUICKBOOKS_API_BASE = base
        self.settings.QUICKBOOKS_SANDBOX_API_BASE = base
        callback = "http://testserver/settings/integrations/quickbooks/callback/"
        self.settings.SANDBOX_QUICKBOOKS_REDIRECT_URIS = [callback]
        self.settings.SANDBOX_QUICKBOOKS_WEBHOOK_URL = ""
        self.settings.SANDBOX_QUICKBOOKS_DISCONNECT_URL = ""
        ensure_demo_world()

    def connect(self, client: Client) -> Connection:
        from tests.accounting.providers.quickbooks import helpers

        helpers.connect(client, self.realm)
        return helpers.connection_for(self.realm)

    def map(self, connection: Connection) -> None:
        from tests.accounting.providers.quickbooks import helpers

        helpers.map_everything(connection)

    def time_activities(self) -> list[str]:
        from sandbox.quickbooks import books

        rows = books.time_activities_of(self.realm)
        return [str(row.data.get("Description", "")) for row in rows]

    def invoices(self) -> list[RemoteInvoice]:
        from sandbox.quickbooks import books

        return [self._invoice(row.entity_id, row.data) for row in books.invoices_of(self.realm)]

    @staticmethod
    def _invoice(remote_id: Any, data: dict[str, Any]) -> RemoteInvoice:
        lines = data.get("Line") or []
        sold = [line for line in lines if line.get("DetailType") == "SalesItemLineDetail"]
        balance, total = Decimal(str(data.get("Balance", 0))), Decimal(str(data["TotalAmt"]))
        status = "OPEN" if balance == total else ("PAID" if balance == 0 else "PARTIAL")
        sub_total = sum((Decimal(str(line["Amount"])) for line in sold), Decimal(0))
        return RemoteInvoice(str(remote_id), str(data.get("DocNumber", "")), status, sub_total)

    def purchase_orders(self) -> list[str]:
        from sandbox.quickbooks import books

        return [str(row.data.get("DocNumber")) for row in books.purchase_orders_of(self.realm)]

    def approve_and_pay(self, remote_id: str, amount: str) -> None:
        from sandbox.quickbooks import books

        books.record_payment(self.realm, remote_id, amount)

    def edit_price(self, remote_id: str, unit_price: str) -> None:
        from sandbox.quickbooks import books

        books.edit_invoice(self.realm, remote_id, unit_price=unit_price)

    def lose_answers_after_writing(self) -> None:
        from sandbox.quickbooks import faults

        faults.commit_then_fail()

    def fail_a_share(self, ratio: float, seed: int) -> None:
        from sandbox.quickbooks import faults

        faults.flaky_api(ratio, seed=seed)

    def clear_faults(self) -> None:
        from sandbox.quickbooks import faults

        faults.clear_faults()

    def injected_failures(self) -> int:
        from sandbox.quickbooks import faults

        return faults.injected_failures()

    def refreshes(self) -> int:
        from sandbox.quickbooks import inspect

        return inspect.count_refreshes()

    def expire_access_tokens_remotely(self) -> None:
        from sandbox.quickbooks import controls

        controls.expire_access_tokens(self.realm)
