"""The provider contract suite's view of the Sage Business Cloud sandbox."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client

from integrations.models import Connection
from tests.accounting.contract.harness import ProviderHarness, RemoteInvoice


class SageHarness(ProviderHarness):
    """Demo Hire Ltd (UK), one of the sandbox user's two businesses (so the connect flow
    goes through Patchbay's business picker)."""

    slug = "sage"
    draft_status = "DRAFT"
    numbers_drafts = False

    def point_at_sandbox(self) -> None:
        from sandbox.sage.seed import ensure_demo_world

        base = f"{self.url}/sandbox/sage"
        self.settings.SAGE_AUTHORIZE_URL = f"{base}/oauth2/auth/central?filter=apiv3.1"
        self.settings.SAGE_TOKEN_URL = f"{base}/oauth/token"
        self.settings.SAGE_REVOKE_URL = f"{base}/oauth/revoke"
        self.settings.SAGE_API_BASE = f"{base}/v3.1"
        callback = "http://testserver/settings/integrations/sage/callback/"
        self.settings.SANDBOX_SAGE_REDIRECT_URIS = [callback]
        self.settings.SANDBOX_SAGE_REQUIRE_BUSINESS_HEADER = True
        ensure_demo_world()

    def connect(self, client: Client) -> Connection:
        from tests.accounting.providers.sage.helpers import connect_through_sandbox

        connect_through_sandbox(client)
        return Connection.objects.select_related("organisation").get(provider=self.slug)

    def map(self, connection: Connection) -> None:
        from tests.accounting.providers.sage.helpers import map_everything

        map_everything(connection)

    def invoices(self) -> list[RemoteInvoice]:
        from sandbox.sage import books
        from sandbox.sage.seed import DEMO_HIRE_UK

        return [
            RemoteInvoice(i.guid, i.reference, i.status, Decimal(i.net_amount))
            for i in books.invoices_of(DEMO_HIRE_UK)
        ]

    def approve_and_pay(self, remote_id: str, amount: str) -> None:
        from sandbox.sage import books
        from sandbox.sage.seed import DEMO_HIRE_UK

        books.release_invoice(DEMO_HIRE_UK, remote_id)
        books.record_payment(DEMO_HIRE_UK, remote_id, Decimal(amount))

    def edit_price(self, remote_id: str, unit_price: str) -> None:
        from sandbox.sage import books
        from sandbox.sage.seed import DEMO_HIRE_UK

        books.edit_invoice(DEMO_HIRE_UK, remote_id, unit_price=Decimal(unit_price))

    def lose_answers_after_writing(self) -> None:
        from sandbox.sage import faults

        faults.commit_then_fail()

    def fail_a_share(self, ratio: float, seed: int) -> None:
        from sandbox.sage import faults

        faults.flaky_api(ratio, seed=seed)

    def clear_faults(self) -> None:
        from sandbox.sage import faults

        faults.clear_faults()

    def injected_failures(self) -> int:
        from sandbox.sage import faults

        return faults.injected_failures()

    def refreshes(self) -> int:
        from sandbox.sage import inspect

        return inspect.count_refreshes()

    def expire_access_tokens_remotely(self) -> None:
        from sandbox.sage import controls
        from sandbox.sage.seed import SANDBOX_USER

        controls.expire_access_tokens(controls.grant_for(SANDBOX_USER))
