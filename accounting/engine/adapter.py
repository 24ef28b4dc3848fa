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

from accounting.models import AccountMapping, PushSettings
from integrations.audit import Recorder
from integrations.limiter import Limits
from integrations.models import Connection
from operations.models import (
    CreditNote,
    Customer,
    EquipmentItem,
    Invoice,
    Payment,
    PurchaseOrder,
    Quote,
    Timesheet,
)


@dataclass(frozen=True)
class RemoteChoice:
    """An account or tax rate the bookkeeper can map to."""

    code: str
    name: str
    kind: str = ""
    accepts_payments: bool = False


# RemoteChoice.kind of the accounts a stock item needs (adapters with ``sells_stock``).
STOCK_ASSET = "Stock asset"
# RemoteChoice.kind of the people crew map to (adapters with ``pushes_time_activities``).
EMPLOYEE = "employee"
VENDOR = "vendor"
COST_OF_SALES = "Cost of sales"
# RemoteChoice.kind of the accounts expense categories map to (``expense_accounts``).
EXPENSE_ACCOUNT = "Expense account"


@dataclass(frozen=True)
class Outgoing:
    """One record to push. The key is deterministic per record version.

    ``remote_id`` and ``remote_version`` are set for an update: the id to write to and the
    version last read (SyncToken for QuickBooks; Xero and Sage ignore it).
    """

    local_id: int
    payload: dict[str, Any]
    fingerprint: str
    idempotency_key: str
    remote_id: str = ""
    remote_version: str = ""


@dataclass(frozen=True)
class PushResult:
    local_id: int
    remote_id: str = ""
    remote_version: str = ""
    # The ledger's number for a document and where it opens in the ledger, when known.
    remote_number: str = ""
    remote_url: str = ""
    error: str = ""
    # An update refused because the version sent is no longer the ledger's (QuickBooks'
    # stale-object error 5010): the engine re-reads the record (``reread``) and either
    # sends it again with the new version or opens a conflict. Set ``error`` too.
    stale: bool = False

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass(frozen=True)
class Remote:
    """A record as the provider has it now: its id, version token and data."""

    remote_id: str
    version: str
    updated_at: datetime
    data: dict[str, Any]
    deleted: bool = False


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
class LedgerState:
    """A document as the ledger holds it now: its figures and its status in Patchbay's
    words (``Invoice.Status``: draft, issued, partially_paid, paid, void) and its own."""

    total: Decimal
    amount_due: Decimal
    status: str
    ledger_status: str

    @property
    def takes_money(self) -> bool:
        """Whether a payment or credit can be set against it (not a draft, not void)."""
        return self.status in ("issued", "partially_paid")


@dataclass(frozen=True)
class Removal:
    """A pushed document the ledger reports deleted or voided: ``how`` is "deleted" or
    "voided", ``at`` when the ledger last changed it (its deletion, as near as it says)."""

    entity: str
    remote_id: str
    how: str
    at: datetime


@dataclass(frozen=True)
class LedgerInvoice:
    """A sales invoice as the ledger lists it, for the ledger mirror: whose it is (the
    ledger's contact id), its number, dates, figures and ``status`` in Patchbay's words
    (draft, issued, partially_paid, paid, void, or deleted when the ledger dropped it)."""

    remote_id: str
    contact_remote_id: str
    number: str
    issued_on: date | None
    due_on: date | None
    currency: str
    total: Decimal
    amount_due: Decimal
    status: str
    updated_at: datetime


@dataclass(frozen=True)
class Page:
    """One page of an incremental read and whether another follows."""

    payments: list[IncomingPayment] = field(default_factory=list)
    records: list[Remote] = field(default_factory=list)
    removals: list[Removal] = field(default_factory=list)
    invoices: list[LedgerInvoice] = field(default_factory=list)
    more: bool = False


@dataclass(frozen=True)
class Tracking:
    """Optional dimensions the ledger tracks sales by and offers to map: classes (per
    income category) and locations (one per connection). Empty where it has none."""

    classes: list[RemoteChoice] = field(default_factory=list)
    locations: list[RemoteChoice] = field(default_factory=list)


@dataclass(frozen=True)
class Mappings:
    income: dict[int, str]
    tax: dict[int, str]
    payment_account: str
    # Optional: income category -> class, and the location of every document.
    classes: dict[int, str] = field(default_factory=dict)
    location: str = ""
    # The accounts of items sold as stock (ledgers with ``sells_stock``).
    inventory_asset: str = ""
    cost_of_sales: str = ""
    # Expense category -> expense account (purchase order lines).
    expense: dict[int, str] = field(default_factory=dict)

    @classmethod
    def of(cls, connection: Connection) -> Mappings:
        rows = list(AccountMapping.objects.filter(connection=connection))
        by_kind = {
            kind: {row.local_id: row.remote_code for row in rows if row.kind == kind}
            for kind in AccountMapping.Kind
        }
        payment = by_kind[AccountMapping.Kind.PAYMENT_ACCOUNT].get(0, "")
        return cls(
            by_kind[AccountMapping.Kind.INCOME],
            by_kind[AccountMapping.Kind.TAX],
            payment,
            classes=by_kind[AccountMapping.Kind.CLASS],
            location=by_kind[AccountMapping.Kind.LOCATION].get(0, ""),
            inventory_asset=by_kind[AccountMapping.Kind.INVENTORY_ASSET].get(0, ""),
            cost_of_sales=by_kind[AccountMapping.Kind.COST_OF_SALES].get(0, ""),
            expense=by_kind[AccountMapping.Kind.EXPENSE],
        )


class AccountingAdapter(ABC):
    """How one provider spells each entity. Entities are ``accounting.models.Entity``."""

    # Records per create/update request (Xero recommends about 50).
    batch_size: ClassVar[int] = 50
    # The provider's limits per remote organisation.
    limits: ClassVar[Limits]
    # Entities created on either side that appear on the other (pulled as well as pushed).
    two_way: ClassVar[tuple[str, ...]] = ()
    # Whether approved quotes have a place in this ledger (QuickBooks' Estimates); the
    # engine pushes them only then, through ``quote_payload``.
    pushes_quotes: ClassVar[bool] = False
    # Whether items sold as stock are the ledger's inventory items, needing an inventory
    # asset and a cost-of-sales account mapped (QuickBooks); ``accounts()`` then offers
    # them with the kinds STOCK_ASSET and COST_OF_SALES.
    sells_stock: ClassVar[bool] = False
    # Whether the ledger keeps documents as drafts that take no payment or credit until a
    # bookkeeper approves them (Xero, Sage); the engine then reads a document's status
    # before paying it. QuickBooks posts every invoice.
    has_drafts: ClassVar[bool] = True
    # Whether approved purchase orders have a place in this ledger (QuickBooks' and
    # Xero's purchase orders); the engine pushes them only then, through
    # ``purchase_order_payload``, with lines on the expense accounts mapped.
    pushes_purchase_orders: ClassVar[bool] = False
    # Whether suppliers are a list of their own in this ledger (QuickBooks' Vendor):
    # the engine then pushes them as ``Entity.VENDOR`` through ``vendor_payload``, and
    # not as customers. Where a contact is both (Xero, Sage) suppliers are customers.
    vendors_apart: ClassVar[bool] = False
    # Said on the card and the mappings page where the ledger has no purchase orders.
    purchase_orders_note: ClassVar[str] = ""
    # Whether the ledger keeps hours worked (QuickBooks' TimeActivity): approved crew
    # timesheets are pushed for the employee (or vendor) each user is mapped to, offered
    # by ``crew()``. Xero's and Sage's accounting APIs have no such object.
    pushes_time_activities: ClassVar[bool] = False

    @staticmethod
    def quota(headers: Mapping[str, str]) -> tuple[int | None, int | None]:
        """(minute, day) calls remaining, from the provider's response headers."""
        return None, None

    def __init__(self, connection: Connection, recorder: Recorder) -> None:
        self.connection = connection
        self.recorder = recorder

    # --- choices for the mappings page --------------------------------------------------

    @abstractmethod
    def accounts(self) -> list[RemoteChoice]: ...

    @staticmethod
    def mapped_code(code: str) -> str:
        """The choice a saved mapping's code stands for on the mappings page: a code an
        earlier version saved in another form reads as today's choice."""
        return code

    @abstractmethod
    def tax_rates(self) -> list[RemoteChoice]: ...

    def tracking(self) -> Tracking:
        """Classes and locations to offer as optional mappings; none by default."""
        return Tracking()

    # --- Patchbay records as the provider's payloads ------------------------------------

    @abstractmethod
    def customer_payload(self, customer: Customer) -> dict[str, Any]: ...

    @abstractmethod
    def item_payload(self, item: EquipmentItem) -> dict[str, Any]: ...

    @abstractmethod
    def invoice_payload(
        self, invoice: Invoice, mappings: Mappings, contact_remote_id: str
    ) -> dict[str, Any]: ...

    @abstractmethod
    def credit_note_payload(
        self, note: CreditNote, mappings: Mappings, contact_remote_id: str
    ) -> dict[str, Any]: ...

    def crew(self) -> list[RemoteChoice]:
        """The ledger's employees and vendors (``RemoteChoice.kind`` EMPLOYEE or VENDOR)
        that crew can be mapped to; only called when ``pushes_time_activities`` is set."""
        return []

    def time_activity_payload(
        self, timesheet: Timesheet, worker: RemoteChoice, customer_remote_id: str
    ) -> dict[str, Any]:
        """An approved timesheet as the time of ``worker`` (an employee or vendor), billed
        to ``customer_remote_id`` when billable; only with ``pushes_time_activities``."""
        raise NotImplementedError(f"{type(self).__name__} does not push time activities")

    def quote_payload(
        self, quote: Quote, mappings: Mappings, contact_remote_id: str
    ) -> dict[str, Any]:
        """An approved quote; only called when ``pushes_quotes`` is set."""
        raise NotImplementedError(f"{type(self).__name__} does not push quotes")

    def expense_accounts(self) -> list[RemoteChoice]:
        """Accounts expense categories map to (kind ``EXPENSE_ACCOUNT``); read only for
        ledgers that take purchase orders."""
        return []

    def vendor_payload(self, supplier: Customer) -> dict[str, Any]:
        """A supplier as the ledger's vendor; only called when ``vendors_apart`` is set."""
        raise NotImplementedError(f"{type(self).__name__} keeps no vendors apart")

    def purchase_order_payload(
        self, order: PurchaseOrder, mappings: Mappings, supplier_remote_id: str
    ) -> dict[str, Any]:
        """An approved purchase order; only called when ``pushes_purchase_orders`` is set."""
        raise NotImplementedError(f"{type(self).__name__} does not push purchase orders")

    @property
    def pushes_approved(self) -> bool:
        """Whether new invoices and credit notes go out approved (the connection's push
        choice) rather than as drafts. Read once per adapter, i.e. once per run."""
        cached: bool | None = self.__dict__.get("_pushes_approved")
        if cached is None:
            cached = PushSettings.objects.filter(
                connection=self.connection, invoice_status=PushSettings.InvoiceStatus.APPROVED
            ).exists()
            self.__dict__["_pushes_approved"] = cached
        return cached

    @abstractmethod
    def payment_payload(
        self, payment: Payment, mappings: Mappings, invoice_remote_id: str, contact_remote_id: str
    ) -> dict[str, Any]:
        """A payment recorded in Patchbay, against its invoice, into the payments account."""

    @abstractmethod
    def allocation_payload(
        self,
        note: CreditNote,
        amount: Decimal,
        invoice_remote_id: str,
        note_remote_id: str,
        contact_remote_id: str,
    ) -> dict[str, Any]:
        """``amount`` of a credit note set against the invoice it credits (the engine
        passes what the ledger has left of the credit, at most what the invoice owes)."""

    @abstractmethod
    def ledger_state(self, entity: str, remote: Remote) -> LedgerState:
        """An invoice's (or credit note's) total, amount due and status, as read."""

    @abstractmethod
    def owned(self, entity: str, data: dict[str, Any]) -> dict[str, Any]:
        """The fields Patchbay owns, normalised, from a payload or from a remote record.

        The engine hashes this to tell who changed what: the same projection of what it
        pushed and of what the provider holds now are equal unless someone edited a field
        Patchbay owns. Server-computed fields (totals, statuses, dates as strings) stay out.
        """

    # --- pulled records as Patchbay fields (two-way entities) ---------------------------

    @abstractmethod
    def local_fields(self, entity: str, remote: Remote) -> dict[str, Any]:
        """The Patchbay fields of a pulled customer or item."""

    def local_id_hint(self, entity: str, remote: Remote) -> int | None:
        """A Patchbay id the provider record carries (an earlier push's), if any."""
        return None

    # --- calls -------------------------------------------------------------------------

    @abstractmethod
    def create(self, entity: str, batch: Sequence[Outgoing], request_key: str) -> list[PushResult]:
        """Create the batch's records in one request (or as few as the provider allows)."""

    @abstractmethod
    def update(self, entity: str, batch: Sequence[Outgoing], request_key: str) -> list[PushResult]:
        """Write the batch's records over their remote twins (``Outgoing.remote_id``)."""

    @abstractmethod
    def read(self, entity: str, remote_ids: Sequence[str]) -> dict[str, Remote]:
        """The records as the provider has them now; missing ids are left out."""

    def reread(self, entity: str, remote_ids: Sequence[str]) -> dict[str, Remote]:
        """After a stale answer: the records as they are now (QuickBooks wants them read by
        Id, not through a list query). By default the same as ``read``."""
        return self.read(entity, remote_ids)

    @abstractmethod
    def changes(self, entity: str, since: datetime | None, page: int) -> Page:
        """Records created or changed since ``since`` (all when None), oldest first."""

    @abstractmethod
    def pull_payments(self, since: datetime | None, page: int) -> Page: ...

    def removed(self, entities: Sequence[str], since: datetime, page: int) -> Page:
        """Documents of ``entities`` (quotes, invoices, credit notes) deleted or voided in
        the ledger since ``since``, as ``Page.removals``, each the way the provider
        reports it. None by default."""
        return Page()

    def ledger_invoices(self, since: datetime | None, page: int) -> Page:
        """Sales invoices created or changed in the ledger since ``since`` (all when None),
        as ``Page.invoices``, oldest first: every one, Patchbay's own included (the engine
        tells them apart by its links). None by default (a ledger without a mirror)."""
        return Page()
