"""What the provider contract suite needs from each accounting sandbox.

Every accounting provider's package runs the same behaviour tests
(test_provider_contract.py) through one of these: connect, push, pull, an idempotent
retry, a conflict, rate limiting and an expired token, each against the provider's own
sandbox over real HTTP. Each provider's harness is in its own test folder
(tests/accounting/providers/<name>/harness.py); a provider joins the suite by adding it
to harnesses.HARNESSES.
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
    # Whether the ledger numbers an invoice pushed as a draft (Sage numbers it on release).
    numbers_drafts = True

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

    def purchase_orders(self) -> list[str]:
        """The numbers of the live purchase orders in the ledger; a ledger that has no
        purchase orders (Sage) holds none."""
        return []

    def time_activities(self) -> list[str]:
        """The descriptions of the ledger's time activities; only asked of a ledger that
        keeps time (its adapter's ``pushes_time_activities``)."""
        raise NotImplementedError(f"{self.slug} keeps no time activities")

    def invoice_for(self, number: str) -> list[RemoteInvoice]:
        return [invoice for invoice in self.invoices() if invoice.reference == number]

    def remote_id_of(self, invoice_pk: int) -> str:
        return ExternalRef.objects.get(entity=Entity.INVOICE, local_id=invoice_pk).remote_id
