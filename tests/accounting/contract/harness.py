"""What the provider contract suite needs from each accounting sandbox.

Every accounting provider's package runs the same behaviour tests
(test_provider_contract.py) through one of these: connect, push, pull, an idempotent
retry, a conflict, rate limiting and an expired token, each against the provider's own
sandbox over real HTTP. A provider joins the suite by adding its harness to HARNESSES.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone

from accounting.models import Entity, ExternalRef
from integrations.models import Connection, OAuthGrant


@dataclass(frozen=True)
class RemoteInvoice:
    remote_id: str
    reference: str
    status: str
    sub_total: Decimal


class ProviderHarness(ABC):
    slug: str
    draft_status: str

    def __init__(self, live_server_url: str, settings: Any) -> None:
        self.url = live_server_url
        self.settings = settings

    @abstractmethod
    def point_at_sandbox(self) -> None:
        """Every provider URL at the sandbox served by the live test server."""

    @abstractmethod
    def connect(self, client: Client) -> Connection: ...

    @abstractmethod
    def map(self, connection: Connection) -> None:
        """Every category and the payments account mapped to the company's choices."""

    @abstractmethod
    def invoices(self) -> list[RemoteInvoice]: ...

    @abstractmethod
    def approve_and_pay(self, remote_id: str, amount: str) -> None:
        """The bookkeeper approves the draft and records a payment against it."""

    @abstractmethod
    def edit_price(self, remote_id: str, unit_price: str) -> None:
        """The bookkeeper changes the first line's unit price."""

    @abstractmethod
    def lose_answers_after_writing(self) -> None:
        """Writes are carried out, then their answers are lost (until clear_faults)."""

    @abstractmethod
    def fail_a_share(self, ratio: float, seed: int) -> None:
        """A share of calls fail: server errors, 429s and lost answers."""

    @abstractmethod
    def clear_faults(self) -> None: ...

    @abstractmethod
    def injected_failures(self) -> int:
        """Calls the sandbox has failed on purpose (fail_a_share) so far."""

    @abstractmethod
    def refreshes(self) -> int:
        """Refresh-token grants the sandbox has answered so far."""

    @abstractmethod
    def expire_access_tokens_remotely(self) -> None: ...

    def expire_access_tokens(self) -> None:
        """An hour passes: the provider's access tokens and Patchbay's copy are stale."""
        self.expire_access_tokens_remotely()
        OAuthGrant.objects.filter(provider=self.slug).update(
            access_expires_at=timezone.now() - timedelta(minutes=1)
        )

    def invoice_for(self, number: str) -> list[RemoteInvoice]:
        return [invoice for invoice in self.invoices() if invoice.reference == number]

    def remote_id_of(self, invoice_pk: int) -> str:
        return ExternalRef.objects.get(entity=Entity.INVOICE, local_id=invoice_pk).remote_id


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


class SageHarness(ProviderHarness):
    """Demo Hire Ltd (UK), one of the sandbox user's two businesses (so the connect flow
    goes through Patchbay's business picker)."""

    slug = "sage"
    draft_status = "DRAFT"

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


HARNESSES: dict[str, type[ProviderHarness]] = {
    "xero": XeroHarness,
    "quickbooks": QuickBooksHarness,
    "sage": SageHarness,
}
