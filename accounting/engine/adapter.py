"""The interface between the sync engine and one accounting provider.

The engine decides *what* to sync and keeps the books (links, cursors, runs,
audit); an adapter knows *how* one provider spells it. See docs/accounting-engine.md
for how Xero, QuickBooks and Sage map onto these methods.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from accounting.engine.audit import Recorder
from accounting.models import AccountMapping
from integrations.budget import Limits
from integrations.models import Connection
from operations.models import Customer, Invoice


@dataclass(frozen=True)
class RemoteChoice:
    """An account or tax rate the bookkeeper can map to."""

    code: str
    name: str
    kind: str = ""
    accepts_payments: bool = False


@dataclass(frozen=True)
class Outgoing:
    """One record to push. The key is deterministic per record version."""

    local_id: int
    payload: dict[str, Any]
    fingerprint: str
    idempotency_key: str
    remote_id: str = ""


@dataclass(frozen=True)
class PushResult:
    local_id: int
    remote_id: str = ""
    remote_version: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass(frozen=True)
class IncomingPayment:
    remote_id: str
    invoice_remote_id: str
    amount: Decimal
    paid_on: date
    reference: str
    updated_at: datetime
    deleted: bool = False


@dataclass(frozen=True)
class Page:
    """One page of an incremental read and whether another follows."""

    payments: list[IncomingPayment] = field(default_factory=list)
    more: bool = False


@dataclass(frozen=True)
class Mappings:
    income: dict[int, str]
    tax: dict[int, str]
    payment_account: str

    @classmethod
    def of(cls, connection: Connection) -> Mappings:
        rows = list(AccountMapping.objects.filter(connection=connection))
        by_kind = {
            kind: {row.local_id: row.remote_code for row in rows if row.kind == kind}
            for kind in AccountMapping.Kind
        }
        payment = by_kind[AccountMapping.Kind.PAYMENT_ACCOUNT].get(0, "")
        return cls(by_kind[AccountMapping.Kind.INCOME], by_kind[AccountMapping.Kind.TAX], payment)


class AccountingAdapter(ABC):
    # Records per create/update request (Xero recommends about 50).
    batch_size: ClassVar[int] = 50
    # The provider's limits per remote organisation.
    limits: ClassVar[Limits]

    @staticmethod
    def quota(headers: Mapping[str, str]) -> tuple[int | None, int | None]:
        """(minute, day) calls remaining, from the provider's response headers."""
        return None, None

    def __init__(self, connection: Connection, recorder: Recorder) -> None:
        self.connection = connection
        self.recorder = recorder

    @abstractmethod
    def accounts(self) -> list[RemoteChoice]: ...

    @abstractmethod
    def tax_rates(self) -> list[RemoteChoice]: ...

    @abstractmethod
    def customer_payload(self, customer: Customer) -> dict[str, Any]: ...

    @abstractmethod
    def invoice_payload(
        self, invoice: Invoice, mappings: Mappings, contact_remote_id: str
    ) -> dict[str, Any]: ...

    @abstractmethod
    def push_customers(self, batch: Sequence[Outgoing]) -> list[PushResult]: ...

    @abstractmethod
    def push_invoices(self, batch: Sequence[Outgoing]) -> list[PushResult]: ...

    @abstractmethod
    def pull_payments(self, since: datetime | None, page: int) -> Page: ...
