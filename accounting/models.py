"""The sync engine's records: mappings, links to remote records, cursors, runs, audit."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from integrations.models import Connection
from operations.models import MONEY
from tenancy.models import TenantModel


class Entity(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    ITEM = "item", "Item"
    QUOTE = "quote", "Quote"
    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"
    PAYMENT = "payment", "Payment"
    # A credit note set against the invoice it credits (the credit note's id is the
    # local id): Xero's and Sage's allocations, a QuickBooks payment of the two.
    ALLOCATION = "allocation", "Credit allocation"
    # Sub-hire purchase orders, and their suppliers where the ledger keeps vendors apart
    # from customers (QuickBooks' Vendor; the local id is the supplier's Customer id).
    PURCHASE_ORDER = "purchase_order", "Purchase order"
    VENDOR = "vendor", "Vendor"
    # An approved crew timesheet (operations.Timesheet), where the ledger keeps time.
    TIME_ACTIVITY = "time_activity", "Time activity"


# The cursor of the read of pushed documents the ledger deleted or voided since.
REMOVED_DOCUMENTS = ("removed_documents", "Documents removed in the ledger")
# The cursor of the read of invoices a bookkeeper made in the ledger (the ledger mirror).
LEDGER_INVOICES = ("ledger_invoices", "Invoices made in the ledger")


class AccountMapping(TenantModel):
    """One Patchbay category (or the payment account) mapped to a remote code."""

    class Kind(models.TextChoices):
        INCOME = "income", "Income category"
        EXPENSE = "expense", "Expense category"
        TAX = "tax", "Tax category"
        PAYMENT_ACCOUNT = "payment_account", "Payments account"
        # Optional, for ledgers that track sales by them (QuickBooks): a class per income
        # category, and one location (local id 0) for every document of the connection.
        CLASS = "class", "Class"
        LOCATION = "location", "Location"
        # Needed by ledgers that track stock (QuickBooks) once any item is sold as stock.
        INVENTORY_ASSET = "inventory_asset", "Inventory asset account"
        COST_OF_SALES = "cost_of_sales", "Cost of sales account"

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="mappings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    local_id = models.PositiveBigIntegerField(
        default=0, help_text="0 for the payments, location, inventory and cost of sales accounts"
    )
    remote_code = models.CharField(max_length=60, help_text="Account code or tax type")
    remote_name = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "kind", "local_id"], name="one_mapping_per_local_thing"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.local_id} -> {self.remote_code}"


class ExternalRef(TenantModel):
    """Links a Patchbay record to its remote twin, with what Patchbay last pushed."""

    class State(models.TextChoices):
        PENDING = "pending", "Sent, not confirmed"
        LINKED = "linked", "Linked"
        REVIEW = "review", "Needs review"
        CONFLICT = "conflict", "In conflict"
        ERROR = "error", "Error"
        # Not sent yet, for a reason the ledger will lift (a payment on an invoice still
        # a draft there): read again every run, and sent once it can go.
        WAITING = "waiting", "Waiting"
        # Deleted or voided in the ledger, and a person chose to leave it so: nothing is
        # sent to it again, and Patchbay never calls it synced.
        REMOVED = "removed", "Removed in the ledger"

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="refs")
    entity = models.CharField(max_length=20, choices=Entity.choices)
    local_id = models.PositiveBigIntegerField()
    remote_id = models.CharField(max_length=100, blank=True)
    remote_version = models.CharField(max_length=100, blank=True, help_text="e.g. UpdatedDateUTC")
    # The ledger's own number for a document (Xero numbers invoices itself, so INV-0006
    # there may be Patchbay's INV-0007) and the address that opens it in the ledger.
    remote_number = models.CharField(max_length=60, blank=True)
    remote_url = models.URLField(max_length=500, blank=True)
    # Set by a person ("Exclude from sync"): the engine leaves the record alone, whatever
    # its state, until someone includes it again.
    excluded = models.BooleanField(default=False)
    # How many times a person chose to push the record again after the ledger deleted or
    # voided it: part of its idempotency key, so the new draft is not a replay of the
    # deleted one's create.
    attempt = models.PositiveSmallIntegerField(default=0)
    # Hash of the Patchbay-owned fields as last confirmed on both sides.
    pushed_fingerprint = models.CharField(max_length=64, blank=True)
    # While a push is in flight: what is being sent, its hash, its key and its request's
    # key, so a crashed run resends exactly the same request and recognises its own write.
    sent_fingerprint = models.CharField(max_length=64, blank=True)
    # Kept as text: a JSON column may reorder keys, and a replay must be byte-identical.
    sent_payload = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=128, blank=True)
    batch_key = models.CharField(max_length=128, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    last_error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "entity", "local_id"], name="one_ref_per_local_record"
            )
        ]
        indexes = [
            models.Index(fields=["connection", "entity", "remote_id"]),
            # A sync reads the links changed since its cursor and those not settled: both
            # stay small however many records are linked.
            models.Index(fields=["connection", "entity", "updated_at"], name="ref_changed_idx"),
            models.Index(
                fields=["connection", "entity"],
                name="ref_unsettled_idx",
                condition=~models.Q(state="linked"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.local_id} <-> {self.remote_id or '?'}"


class Review(TenantModel):
    """A record the engine will not decide alone: a conflict or an ambiguous first match.

    A conflict holds both versions of the fields Patchbay owns; a match holds the remote
    record and the Patchbay records it could be. Nothing is overwritten until a person
    chooses.
    """

    class Kind(models.TextChoices):
        CONFLICT = "conflict", "Changed on both sides"
        MATCH = "match", "Ambiguous match"
        REMOVED = "removed", "Deleted or voided in the ledger"

    class Resolution(models.TextChoices):
        OPEN = "", "Open"
        KEPT_LEDGER = "kept_ledger", "Kept the ledger's version"
        PUSHED_PATCHBAY = "pushed_patchbay", "Pushed Patchbay's version"
        LINKED = "linked", "Linked to a Patchbay record"
        CREATED = "created", "Created a new Patchbay record"
        PUSHED_AGAIN = "pushed_again", "Pushed it again as a new document"
        LEFT_REMOVED = "left_removed", "Left it removed in the ledger"

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    entity = models.CharField(max_length=20, choices=Entity.choices)
    local_id = models.PositiveBigIntegerField(null=True, blank=True)
    remote_id = models.CharField(max_length=100)
    patchbay_version = models.JSONField(default=dict, blank=True)
    ledger_version = models.JSONField(default=dict)
    # The remote record as read, so "keep the ledger's version" can apply it locally.
    ledger_record = models.JSONField(default=dict, blank=True)
    ledger_version_token = models.CharField(max_length=100, blank=True)
    candidates = models.JSONField(default=list, blank=True)
    run = models.ForeignKey(
        "integrations.SyncRun", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    detected_at = models.DateTimeField(default=timezone.now)
    resolution = models.CharField(
        max_length=20, choices=Resolution.choices, default=Resolution.OPEN, blank=True
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        "tenancy.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-detected_at", "-pk"]
        indexes = [models.Index(fields=["connection", "resolution", "-detected_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "entity", "remote_id"],
                condition=models.Q(resolution=""),
                name="one_open_review_per_remote_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.entity} {self.remote_id}"

    @property
    def is_open(self) -> bool:
        return self.resolution == self.Resolution.OPEN


class SyncCursor(TenantModel):
    """Where an incremental pull got to: a high-water mark and the page within it."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="cursors")
    # An entity's pull, or the read of documents deleted or voided in the ledger.
    entity = models.CharField(
        max_length=20, choices=[*Entity.choices, REMOVED_DOCUMENTS, LEDGER_INVOICES]
    )
    high_water = models.DateTimeField(null=True, blank=True)
    page = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "entity"], name="one_cursor_per_entity")
        ]

    def __str__(self) -> str:
        return f"{self.entity} since {self.high_water}"


class PushCursor(TenantModel):
    """Where pushing an entity got to: records changed since `since` (their `updated_at`,
    saved in the same transaction as the change) are what the next sync reads, with the
    records whose link isn't settled. `context` is the hash of what else goes into a
    payload (mappings, adapter); when it changes, or a day after the last full check,
    the next sync reads every record again."""

    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="push_cursors"
    )
    entity = models.CharField(max_length=20, choices=Entity.choices)
    since = models.DateTimeField()
    context = models.CharField(max_length=64)
    full_check_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "entity"], name="one_push_cursor_per_entity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entity} changed since {self.since}"


class RemoteChoices(TenantModel):
    """A connection's chart of accounts, tax rates and tracking choices as a task last
    fetched them: the mappings page renders from this copy and never waits on the
    provider (accounting.remote_choices fills it)."""

    connection = models.OneToOneField(
        Connection, on_delete=models.CASCADE, related_name="remote_choices"
    )
    choices = models.JSONField(default=dict, help_text="accounts, tax_rates, classes, locations")
    fetched_at = models.DateTimeField(null=True, blank=True)
    # Set when a refresh is enqueued, cleared when the task finishes (either way).
    refresh_requested_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"Remote choices of connection {self.connection_id}"


class PushSettings(TenantModel):
    """How a connection pushes documents: as drafts for a bookkeeper to approve (the
    default) or approved, and from which issue date on (records issued before it stay
    out of the ledger unless included one by one, ``IncludedRecord``)."""

    class InvoiceStatus(models.TextChoices):
        DRAFT = "draft", "As drafts, for a bookkeeper to approve in the ledger"
        APPROVED = "approved", "Approved, ready to be paid"

    connection = models.OneToOneField(
        Connection, on_delete=models.CASCADE, related_name="push_settings"
    )
    invoice_status = models.CharField(
        max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    start_date = models.DateField(
        null=True, blank=True, help_text="Nothing issued before this date is pushed"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Push settings of connection {self.connection_id}"

    @property
    def approved(self) -> bool:
        return self.invoice_status == self.InvoiceStatus.APPROVED


class IncludedRecord(TenantModel):
    """A document issued before the connection's start date that a person chose to push
    all the same (with its payments and credit allocations)."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="included")
    entity = models.CharField(max_length=20, choices=Entity.choices)
    local_id = models.PositiveBigIntegerField()
    included_by = models.ForeignKey(
        "tenancy.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    included_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "entity", "local_id"], name="one_inclusion_per_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.local_id} included"


class LedgerBalance(TenantModel):
    """An invoice as the ledger showed it when last read (total, amount due, status), for
    the reconciliation to set beside Patchbay's figures without calling the provider."""

    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="ledger_balances"
    )
    entity = models.CharField(max_length=20, choices=Entity.choices, default=Entity.INVOICE)
    local_id = models.PositiveBigIntegerField()
    remote_id = models.CharField(max_length=100)
    total = models.DecimalField(**MONEY)
    amount_due = models.DecimalField(**MONEY)
    # Patchbay's words for the ledger's status: draft, issued, partially_paid, paid, void.
    status = models.CharField(max_length=20)
    ledger_status = models.CharField(max_length=40, help_text="The ledger's own status word")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "entity", "local_id"], name="one_ledger_balance_per_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entity} {self.local_id}: {self.amount_due} due of {self.total}"


# --- Ledger mirror ---


class LedgerDocument(TenantModel):
    """An invoice or payment a bookkeeper made in the ledger itself, for a customer
    Patchbay knows, as the ledger had it when last read: a read-only copy for the
    customer's page, which shows it without calling the provider. Documents Patchbay
    pushed are not here (they are linked by ExternalRef)."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", "Invoice"
        PAYMENT = "payment", "Payment"

    class Status(models.TextChoices):
        ISSUED = "issued", "Awaiting payment"
        PARTIALLY_PAID = "partially_paid", "Part paid"
        PAID = "paid", "Paid"
        VOID = "void", "Voided in the ledger"
        DELETED = "deleted", "Deleted in the ledger"

    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="ledger_documents"
    )
    customer = models.ForeignKey(
        "operations.Customer", on_delete=models.CASCADE, related_name="ledger_documents"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    remote_id = models.CharField(max_length=100)
    number = models.CharField(max_length=60, blank=True, help_text="The ledger's number")
    issued_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    # An invoice's total, or a payment's amount.
    total = models.DecimalField(**MONEY)
    amount_due = models.DecimalField(**MONEY, default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ISSUED)
    # A payment's invoice, when it is a mirrored one.
    invoice = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="payments"
    )
    ledger_updated_at = models.DateTimeField(help_text="When the ledger last changed it")
    synced_at = models.DateTimeField(auto_now=True, help_text="When Patchbay last read it")

    class Meta:
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "kind", "remote_id"], name="one_mirror_row_per_document"
            )
        ]
        indexes = [models.Index(fields=["organisation", "customer", "kind"])]

    def __str__(self) -> str:
        return f"Ledger {self.kind} {self.number or self.remote_id}: {self.total}"

    @property
    def open(self) -> bool:
        """Whether it counts towards what the customer owes."""
        return self.status in (self.Status.ISSUED, self.Status.PARTIALLY_PAID)


# --- Crew in the ledger (timesheets as time activities) ---


class CrewMapping(TenantModel):
    """A Patchbay user (crew) as a ledger's employee, or vendor for freelance crew: whose
    time their approved timesheets are in the ledger."""

    class Kind(models.TextChoices):
        EMPLOYEE = "employee", "Employee"
        VENDOR = "vendor", "Vendor"

    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="crew_mappings"
    )
    user = models.ForeignKey("tenancy.User", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    remote_id = models.CharField(max_length=100)
    remote_name = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "user"], name="one_crew_mapping_per_user")
        ]

    def __str__(self) -> str:
        return f"user {self.user_id} -> {self.kind} {self.remote_id}"


class CrewChoices(TenantModel):
    """A connection's employees and vendors as a task last fetched them, for the crew
    mapping page to offer without calling the provider (accounting.crew_choices)."""

    connection = models.OneToOneField(
        Connection, on_delete=models.CASCADE, related_name="crew_choices"
    )
    choices = models.JSONField(default=dict, help_text="employees, vendors")
    fetched_at = models.DateTimeField(null=True, blank=True)
    refresh_requested_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"Crew choices of connection {self.connection_id}"
