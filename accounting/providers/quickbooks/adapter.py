"""The sync engine's QuickBooks Online adapter.

https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice

- Creates and updates go through ``POST /batch`` (30 operations, each with its ``bId``);
  an item that fails answers with a ``Fault`` inside the HTTP 200, and only that record
  fails. Each request carries a ``requestid`` derived from the engine's request key (and,
  for updates, the SyncTokens sent), so a resend after a crash replays Intuit's first
  answer instead of creating twice.
- Updates are sparse and send the SyncToken last read; a stale one (Fault 5010) is
  answered as ``PushResult(stale=True)``: the engine re-reads the record by Id, retries
  when the ledger's owned fields are still Patchbay's, and opens a conflict otherwise.
- Incremental reads use CDC within its 30 days (and below its 1,000-object cap), else a
  query by ``MetaData.LastUpdatedTime``, paged by STARTPOSITION.
- Limits (limits.py, enforced by the shared limiter): 500 calls a minute, 10 at once,
  10 a second and 40 batch calls a minute per company. A 429 blocks the company's
  limiter (Intuit: wait 60 seconds) and the call is tried again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

import requests
from django.utils import timezone

from accounting.engine.adapter import (
    COST_OF_SALES,
    EXPENSE_ACCOUNT,
    STOCK_ASSET,
    AccountingAdapter,
    IncomingPayment,
    LedgerState,
    Mappings,
    Outgoing,
    Page,
    PushResult,
    Remote,
    RemoteChoice,
    Removal,
    Tracking,
)
from accounting.models import Entity, ExternalRef, LedgerDocument
from accounting.providers.quickbooks import client, mapping, purchasing
from accounting.providers.quickbooks import time as time_activities
from accounting.providers.quickbooks.limits import BATCH, LIMITS
from integrations.audit import Call
from integrations.errors import ProviderError
from integrations.models import AuditEntry
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

Json = dict[str, Any]
PAGE_SIZE = 1000  # MAXRESULTS' ceiling
CDC_CAP = 1000  # objects per CDC answer, across entities, no paging
# CDC looks back 30 days; a cursor older than this (a day's margin) reads by query instead.
CDC_REACH = timedelta(days=29)
# How many capped CDC answers one read of removed documents follows before stopping.
CDC_ROUNDS = 20
BATCH_REQUESTID_MAX = 36
INCOME_TYPES = ("Income", "Other Income")
# The web app's page for each transaction Patchbay writes.
WEB_KINDS = {
    "Invoice": "invoice",
    "CreditMemo": "creditmemo",
    "Estimate": "estimate",
    "PurchaseOrder": "purchaseorder",
}
EXPENSE_TYPES = ("Expense", "Other Expense", "Cost of Goods Sold")

# entity -> (QuickBooks entity name, URL slug)
RESOURCES: dict[str, tuple[str, str]] = {
    Entity.CUSTOMER: ("Customer", "customer"),
    Entity.ITEM: ("Item", "item"),
    Entity.QUOTE: ("Estimate", "estimate"),
    Entity.INVOICE: ("Invoice", "invoice"),
    Entity.CREDIT_NOTE: ("CreditMemo", "creditmemo"),
    Entity.PAYMENT: ("Payment", "payment"),
    # A credit memo is applied to an invoice by a Payment that links both.
    Entity.ALLOCATION: ("Payment", "payment"),
    Entity.PURCHASE_ORDER: ("PurchaseOrder", "purchaseorder"),
    Entity.VENDOR: ("Vendor", "vendor"),
    Entity.TIME_ACTIVITY: ("TimeActivity", "timeactivity"),
}


OWNED_PURCHASING: dict[str, Callable[[Json], Json]] = {
    # A Vendor has a customer's name, email and currency fields: they are owned alike.
    Entity.VENDOR: mapping.owned_customer,
    Entity.PURCHASE_ORDER: purchasing.owned_purchase_order,
}


def request_id(request_key: str, versions: Sequence[str] = ()) -> str:
    """A deterministic ``requestid`` within the batch limit of 36 characters. An update
    names the SyncTokens it sends: a retry after a stale answer is a new request."""
    seed = ":".join([request_key, *versions])
    return f"pb{hashlib.sha256(seed.encode()).hexdigest()[:32]}"


class QuickBooksAdapter(AccountingAdapter):
    batch_size = 30  # Intuit's recommended maximum of payloads in one batch request
    limits = LIMITS
    two_way = (Entity.CUSTOMER, Entity.ITEM)
    pushes_quotes = True  # as Estimates
    sells_stock = True  # items sold as stock are Inventory items
    has_drafts = False  # every invoice the API creates is posted (no draft to wait on)
    # This run's CDC answer of every invoice changed since a moment (``removed``).
    _invoices_changed: tuple[datetime, list[Json]] | None = None
    pushes_purchase_orders = True  # as PurchaseOrders, to Vendors
    vendors_apart = True
    pushes_time_activities = True  # approved timesheets as TimeActivity

    @cached_property
    def _root(self) -> str:
        return client.company_url(self.connection.organisation_id, self.connection.remote_id)

    @cached_property
    def _mappings(self) -> Mappings:
        return Mappings.of(self.connection)

    # --- calls --------------------------------------------------------------------------

    def _send(self, call: Call, *, batch: bool = False) -> tuple[requests.Response, AuditEntry]:
        return self.recorder.send(call, tag=BATCH if batch else "")

    def _get(self, entity: str, path: str, **query: str) -> Json:
        call = Call(
            "pull",
            entity,
            "GET",
            f"{self._root}/{path}",
            [],
            params=client.params(**query),
            headers={"Accept": "application/json"},
        )
        response, _ = self._send(call)
        if response.status_code == 404:
            return {}
        return client.checked(response, f"GET {path}")

    def _query(self, entity: str, statement: str) -> list[Json]:
        return self._query_of(entity, RESOURCES[entity][0], statement)

    def _query_of(self, entity: str, name: str, statement: str) -> list[Json]:
        answer = self._get(entity, "query", query=statement).get("QueryResponse") or {}
        rows: list[Json] = answer.get(name) or []
        return rows

    # --- choices for the mappings page ----------------------------------------------------

    def accounts(self) -> list[RemoteChoice]:
        """In one query: the income accounts income categories map to, the accounts
        payments can be deposited to, and the inventory asset and cost of goods sold
        accounts of stock items."""
        rows = self._query_of(
            Entity.PAYMENT,
            "Account",
            "SELECT * FROM Account WHERE AccountType IN "
            "('Income', 'Other Income', 'Bank', 'Other Current Asset', 'Cost of Goods Sold') "
            "MAXRESULTS 1000",
        )
        return [choice for row in rows for choice in _account_choices(row)]

    def expense_accounts(self) -> list[RemoteChoice]:
        """The accounts purchase order lines can be booked to."""
        types = ", ".join(f"'{kind}'" for kind in EXPENSE_TYPES)
        rows = self._query_of(
            Entity.PURCHASE_ORDER,
            "Account",
            f"SELECT * FROM Account WHERE AccountType IN ({types}) MAXRESULTS 1000",  # noqa: S608
        )
        return [
            RemoteChoice(code=str(row["Id"]), name=str(row["Name"]), kind=EXPENSE_ACCOUNT)
            for row in rows
        ]

    @staticmethod
    def mapped_code(code: str) -> str:
        """An income mapping saved as "<item Id>:<account Id>" is shown as its account."""
        return mapping.income_account(code) if mapping.is_item_mapping(code) else code

    def tax_rates(self) -> list[RemoteChoice]:
        codes = self._query_of(Entity.INVOICE, "TaxCode", "SELECT * FROM TaxCode")
        if any(str(row.get("Id")) == "TAX" for row in codes):  # a US company
            return [RemoteChoice(code=code, name=code) for code in mapping.US_TAX_CODES]
        return [
            RemoteChoice(code=str(row["Id"]), name=str(row.get("Name", row["Id"])))
            for row in codes
            if row.get("Active", True) and not row.get("Hidden")
        ]

    def tracking(self) -> Tracking:
        """Classes when the company tracks them per line, locations (Departments) when it
        tracks them per transaction (Preferences.AccountingInfoPrefs); each list read only
        when its preference is on."""
        prefs = self._get(Entity.INVOICE, "preferences").get("Preferences") or {}
        info = prefs.get("AccountingInfoPrefs") or {}
        classes = self._named_list("Class") if info.get("ClassTrackingPerTxnLine") else []
        locations = self._named_list("Department") if info.get("TrackDepartments") else []
        return Tracking(classes=classes, locations=locations)

    def _named_list(self, name: str) -> list[RemoteChoice]:
        rows = self._query_of(Entity.INVOICE, name, f"SELECT * FROM {name}")  # noqa: S608
        return [
            RemoteChoice(
                code=str(row["Id"]), name=str(row.get("FullyQualifiedName") or row["Name"])
            )
            for row in rows
        ]

    # --- payloads and the fields Patchbay owns ----------------------------------------

    def customer_payload(self, customer: Customer) -> Json:
        return mapping.customer(customer)

    def item_payload(self, item: EquipmentItem) -> Json:
        mappings = self._mappings
        first = mappings.income[min(mappings.income)] if mappings.income else ""
        stock = mapping.StockAccounts(mappings.inventory_asset, mappings.cost_of_sales)
        return mapping.item(item, mapping.income_account(first), stock)

    def invoice_payload(self, invoice: Invoice, mappings: Mappings, contact_remote_id: str) -> Json:
        return mapping.invoice(invoice, self._sold_through(mappings), contact_remote_id)

    def credit_note_payload(
        self, note: CreditNote, mappings: Mappings, contact_remote_id: str
    ) -> Json:
        return mapping.credit_memo(note, self._sold_through(mappings), contact_remote_id)

    def quote_payload(self, quote: Quote, mappings: Mappings, contact_remote_id: str) -> Json:
        return mapping.estimate(quote, self._sold_through(mappings), contact_remote_id)

    # --- crew time ---------------------------------------------------------------------

    def crew(self) -> list[RemoteChoice]:
        """The company's employees and vendors, one query each (name lists: active only)."""
        employees = self._query_of(
            Entity.TIME_ACTIVITY, "Employee", "SELECT * FROM Employee MAXRESULTS 1000"
        )
        vendors = self._query_of(
            Entity.TIME_ACTIVITY, "Vendor", "SELECT * FROM Vendor MAXRESULTS 1000"
        )
        return time_activities.crew_choices(employees, vendors)

    def time_activity_payload(
        self, timesheet: Timesheet, worker: RemoteChoice, customer_remote_id: str
    ) -> Json:
        zone = ZoneInfo(self.connection.organisation.timezone)
        return time_activities.time_activity(timesheet, worker, customer_remote_id, zone)

    # --- the item each line names -----------------------------------------------------

    def _sold_through(self, mappings: Mappings) -> Mappings:
        """The mappings with each income category's code replaced by the item its lines
        name: the service item of its income account, or the product/service a mapping
        saved before accounts were offered chose."""
        accounts = {
            code for code in mappings.income.values() if code and not mapping.is_item_mapping(code)
        }
        items = self._service_items(accounts)
        income = {
            category: mapping.line_item(code)
            if mapping.is_item_mapping(code)
            else items.get(code, "")
            for category, code in mappings.income.items()
        }
        return replace(mappings, income=income)

    @cached_property
    def _known_service_items(self) -> dict[str, str]:
        """Income account Id -> its service item's Id, found or made this run."""
        return {}

    def _service_items(self, accounts: set[str]) -> dict[str, str]:
        """Each account's service item: found by Sku (one query for those not yet known
        this run), else made, once."""
        known = self._known_service_items
        wanted = sorted(accounts - set(known))
        if wanted:
            skus = ", ".join(f"'{_literal(mapping.service_sku(a))}'" for a in wanted)
            rows = self._query(
                Entity.ITEM,
                f"SELECT * FROM Item WHERE Sku IN ({skus}) MAXRESULTS {PAGE_SIZE}",  # noqa: S608
            )
            for row in rows:
                known.setdefault(mapping.service_account(row), str(row["Id"]))
            missing = [account for account in wanted if account not in known]
            names = self._account_names(missing)
            for account in missing:
                known[account] = self._create_service_item(account, names.get(account, account))
        return {account: known[account] for account in accounts}

    def _account_names(self, accounts: list[str]) -> dict[str, str]:
        if not accounts:
            return {}
        quoted = ", ".join(f"'{_literal(a)}'" for a in accounts)
        rows = self._query_of(
            Entity.ITEM,
            "Account",
            f"SELECT * FROM Account WHERE Id IN ({quoted})",  # noqa: S608
        )
        return {str(row["Id"]): str(row.get("Name") or row["Id"]) for row in rows}

    def _create_service_item(self, account: str, account_name: str) -> str:
        """POST the item with a requestid fixed by company, account and day: a resend
        after a lost answer is replayed by Intuit, and the Sku lookup before every create
        finds an item made earlier. The day lets an item the bookkeeper made inactive be
        replaced the next day rather than replayed for as long as Intuit keeps answers."""
        today = timezone.localdate().isoformat()
        requestid = request_id(f"service-item:{self.connection.remote_id}:{account}:{today}")
        call = Call(
            "push",
            Entity.ITEM,
            "POST",
            f"{self._root}/item",
            [],
            body=mapping.service_item(account, account_name),
            idempotency_key=requestid,
            params=client.params(requestid=requestid),
            headers={"Accept": "application/json"},
        )
        response, entry = self._send(call)
        item = client.checked(response, "POST item").get("Item") or {}
        if not item.get("Id"):
            raise ProviderError("QuickBooks did not say which item it made")
        self.recorder.note(entry, AuditEntry.Outcome.CREATED, [str(item["Id"])])
        return str(item["Id"])

    def vendor_payload(self, supplier: Customer) -> Json:
        # The same fields as a customer's (DisplayName, AcctNum, currency, email, address).
        return mapping.customer(supplier)

    def purchase_order_payload(
        self, order: PurchaseOrder, mappings: Mappings, supplier_remote_id: str
    ) -> Json:
        return purchasing.purchase_order(order, mappings, supplier_remote_id)

    def payment_payload(
        self, payment: Payment, mappings: Mappings, invoice_remote_id: str, contact_remote_id: str
    ) -> Json:
        return mapping.payment(
            payment, mappings.payment_account, invoice_remote_id, contact_remote_id
        )

    def allocation_payload(
        self,
        note: CreditNote,
        amount: Decimal,
        invoice_remote_id: str,
        note_remote_id: str,
        contact_remote_id: str,
    ) -> Json:
        return mapping.credit_applied(
            note, amount, invoice_remote_id, note_remote_id, contact_remote_id
        )

    def ledger_state(self, entity: str, remote: Remote) -> LedgerState:
        return mapping.ledger_state(remote.data)

    def owned(self, entity: str, data: Json) -> Json:
        if entity == Entity.TIME_ACTIVITY:
            return time_activities.owned_time_activity(data)
        if entity == Entity.CUSTOMER:
            return mapping.owned_customer(data)
        if entity == Entity.ITEM:
            return mapping.owned_item(data)
        if entity in OWNED_PURCHASING:
            return OWNED_PURCHASING[entity](data)
        return mapping.owned_document(data)

    def local_fields(self, entity: str, remote: Remote) -> Json:
        if entity == Entity.CUSTOMER:
            return mapping.customer_fields(remote)
        return mapping.item_fields(remote)

    def local_id_hint(self, entity: str, remote: Remote) -> int | None:
        field = "AcctNum" if entity == Entity.CUSTOMER else "Sku"
        return mapping.patchbay_id(remote.data.get(field))

    # --- writes -----------------------------------------------------------------------

    def create(self, entity: str, batch: Sequence[Outgoing], request_key: str) -> list[PushResult]:
        name = RESOURCES[entity][0]
        operations = [(item, "create", self._complete(name, item.payload)) for item in batch]
        return self._batch(entity, name, operations, request_id(request_key))

    def _complete(self, name: str, payload: Json) -> Json:
        """A new item needs an income account: with no income category mapped yet, the
        company's first income account (read once)."""
        if name != "Item" or "IncomeAccountRef" in payload:
            return payload
        return {**payload, "IncomeAccountRef": {"value": self._default_income_account}}

    @cached_property
    def _default_income_account(self) -> str:
        rows = self._query_of(
            Entity.ITEM, "Account", "SELECT * FROM Account WHERE AccountType = 'Income'"
        )
        if not rows:
            raise ProviderError("QuickBooks has no income account to sell items through")
        return str(rows[0]["Id"])

    def update(self, entity: str, batch: Sequence[Outgoing], request_key: str) -> list[PushResult]:
        """Sparse updates with the SyncToken read: a bookkeeper's other fields stay, and a
        write over a version Patchbay has not seen fails (5010) instead of overwriting."""
        name = RESOURCES[entity][0]
        operations = [
            (
                item,
                "update",
                mapping.for_update(name, item.payload, item.remote_id, item.remote_version),
            )
            for item in batch
        ]
        versions = [item.remote_version for item in batch]
        return self._batch(entity, name, operations, request_id(request_key, versions))

    def _batch(
        self,
        entity: str,
        name: str,
        operations: list[tuple[Outgoing, str, Json]],
        requestid: str,
    ) -> list[PushResult]:
        body = {
            "BatchItemRequest": [
                {"bId": str(n), "operation": operation, name: payload}
                for n, (_, operation, payload) in enumerate(operations)
            ]
        }
        call = Call(
            "push",
            entity,
            "POST",
            f"{self._root}/batch",
            [item.local_id for item, _, _ in operations],
            body=body,
            idempotency_key=requestid,
            params=client.params(requestid=requestid),
            headers={"Accept": "application/json"},
        )
        response, entry = self._send(call, batch=True)
        answer = client.body_of(response)
        refused = client.fault(answer)
        if refused is not None and "BatchItemResponse" not in answer:
            if response.status_code >= 500 or response.status_code == 200:
                raise ProviderError(f"QuickBooks refused the batch: {refused.message}")
            results = [
                PushResult(item.local_id, error=refused.message) for item, _, _ in operations
            ]
        elif response.status_code != 200:
            raise ProviderError(f"QuickBooks answered {response.status_code} to POST batch")
        else:
            by_bid = {str(one.get("bId")): one for one in answer.get("BatchItemResponse") or []}
            results = [
                self._located(_result(item, name, by_bid.get(str(n)), operation == "update"), name)
                for n, (item, operation, _) in enumerate(operations)
            ]
        self._note(entry, results, any(op == "update" for _, op, _ in operations))
        return results

    def _located(self, result: PushResult, name: str) -> PushResult:
        """A written transaction's address in QuickBooks' web app."""
        kind = WEB_KINDS.get(name)
        if kind is None or not result.remote_id:
            return result
        url = self._web_url.format(kind=kind, id=result.remote_id, realm=self.connection.remote_id)
        return replace(result, remote_url=url)

    @cached_property
    def _web_url(self) -> str:
        return client.web_url_template(self.connection.organisation_id)

    def _note(self, entry: AuditEntry, results: list[PushResult], updating: bool) -> None:
        done = AuditEntry.Outcome.UPDATED if updating else AuditEntry.Outcome.CREATED
        outcome = AuditEntry.Outcome.of_batch(done, [r.ok for r in results])
        if any(r.stale for r in results) and all(r.ok or r.stale for r in results):
            outcome = AuditEntry.Outcome.CONFLICT
        versions = ",".join(sorted({r.remote_version for r in results if r.remote_version}))
        self.recorder.note(entry, outcome, [r.remote_id for r in results], versions[:100])

    # --- reads ------------------------------------------------------------------------

    def read(self, entity: str, remote_ids: Sequence[str]) -> dict[str, Remote]:
        """One query for the lot (an update batch's worth, at most 30 Ids)."""
        if not remote_ids:
            return {}
        name = RESOURCES[entity][0]
        quoted = ", ".join(f"'{_literal(rid)}'" for rid in remote_ids)
        rows = self._query(
            # Intuit's query language, not SQL: Ids are quoted literals (_literal).
            entity,
            f"SELECT * FROM {name} WHERE Id IN ({quoted}) MAXRESULTS {PAGE_SIZE}",  # noqa: S608
        )
        found = [mapping.remote(row) for row in rows]
        wanted = set(remote_ids)
        return {r.remote_id: r for r in found if r.remote_id in wanted}

    def reread(self, entity: str, remote_ids: Sequence[str]) -> dict[str, Remote]:
        """After a 5010, read each by Id: Intuit's SDKs have been seen to return a stale
        SyncToken from list reads (python-quickbooks #127, .NET SDK #366)."""
        name, slug = RESOURCES[entity]
        found = {}
        for rid in remote_ids:
            row = self._get(entity, f"{slug}/{rid}").get(name)
            if row:
                found[rid] = mapping.remote(row)
        return found

    def changes(self, entity: str, since: datetime | None, page: int) -> Page:
        """Changed records; the service items Patchbay keeps for income accounts are the
        ledger's plumbing, not equipment, and stay out."""
        rows, more = self._changed(entity, since, page)
        if entity == Entity.ITEM:
            rows = [row for row in rows if not mapping.service_account(row)]
        return Page(records=[mapping.remote(row) for row in rows], more=more)

    def pull_payments(self, since: datetime | None, page: int) -> Page:
        rows, more = self._changed(Entity.PAYMENT, since, page)
        found = [p for row in rows for p in mapping.payments(row)]
        return Page(payments=[share for p in found for share in self._shares(p)], more=more)

    def removed(self, entities: Sequence[str], since: datetime, page: int) -> Page:
        """One CDC request for every document kind: a deleted transaction comes back as a
        ``status: "Deleted"`` stub, a voided invoice as an update with every amount zero
        and "Voided" in its memo (QuickBooks keeps it). CDC reaches back 30 days and has
        no paging: an answer at its cap is read again from the newest change it held.
        https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/change-data-capture"""
        names = {RESOURCES[entity][0]: entity for entity in entities}
        moment = max(since, timezone.now() - CDC_REACH)
        removals: dict[tuple[str, str], Removal] = {}
        for round_number in range(CDC_ROUNDS):
            answer = self._get(
                Entity.INVOICE, "cdc", entities=",".join(names), changedSince=moment.isoformat()
            )
            rows = [
                (names[name], row)
                for block in answer.get("CDCResponse") or []
                for response in block.get("QueryResponse") or []
                for name in names
                for row in response.get(name) or []
            ]
            for entity, row in rows:
                found = mapping.removal(entity, row)
                if found is not None:
                    removals[(entity, found.remote_id)] = found
            if len(rows) < CDC_CAP:
                if round_number == 0 and Entity.INVOICE in entities:
                    # Every invoice changed since ``moment``, whole: the ledger mirror's
                    # read later in the run is answered from it (``ledger_invoices``).
                    invoices = [row for entity, row in rows if entity == Entity.INVOICE]
                    self._invoices_changed = (moment, invoices)
                break
            moment = max(_updated(row) for _, row in rows)
        return Page(removals=list(removals.values()))

    def ledger_invoices(self, since: datetime | None, page: int) -> Page:
        """Invoices changed since ``since``, deleted stubs included: CDC when the cursor
        is recent, else a query by LastUpdatedTime (``_changed``). No call when this run's
        read of removed documents already asked CDC for every invoice changed since then
        or earlier (a quiet sync's case): its answer serves."""
        seen = self._invoices_changed
        if since is not None and page == 1 and seen is not None and seen[0] <= since:
            return Page(invoices=[mapping.ledger_invoice(row) for row in seen[1]])
        rows, more = self._changed(Entity.INVOICE, since, page)
        return Page(invoices=[mapping.ledger_invoice(row) for row in rows], more=more)

    def _shares(self, payment: IncomingPayment) -> list[IncomingPayment]:
        """A deleted payment comes back as a stub without lines; when it had settled
        several invoices, Patchbay applied it as ``<payment Id>/<invoice Id>`` shares, so
        each share it linked is deleted too."""
        if not payment.deleted or payment.invoice_remote_id:
            return [payment]
        shares = [
            *ExternalRef.objects.filter(
                connection=self.connection,
                entity=Entity.PAYMENT,
                remote_id__startswith=f"{payment.remote_id}/",
            ).values_list("remote_id", flat=True),
            # And those the ledger mirror holds (a payment of invoices made in QuickBooks).
            *LedgerDocument.objects.filter(
                connection=self.connection,
                kind=LedgerDocument.Kind.PAYMENT,
                remote_id__startswith=f"{payment.remote_id}/",
            ).values_list("remote_id", flat=True),
        ]
        return [payment, *(replace(payment, remote_id=share) for share in shares)]

    def _changed(self, entity: str, since: datetime | None, page: int) -> tuple[list[Json], bool]:
        """CDC when the cursor is recent enough and the answer is not cut at its cap;
        otherwise a query by LastUpdatedTime, page by page (oldest first)."""
        name = RESOURCES[entity][0]
        if since is not None and page == 1 and since > timezone.now() - CDC_REACH:
            rows = self._cdc(entity, name, since)
            if rows is not None:
                return sorted(rows, key=_updated), False
        where = f" WHERE MetaData.LastUpdatedTime >= '{since.isoformat()}'" if since else ""
        start = (page - 1) * PAGE_SIZE + 1
        statement = (
            f"SELECT * FROM {name}{where} ORDERBY MetaData.LastUpdatedTime "  # noqa: S608
            f"STARTPOSITION {start} MAXRESULTS {PAGE_SIZE}"
        )
        rows = self._query(entity, statement)
        return rows, len(rows) == PAGE_SIZE

    def _cdc(self, entity: str, name: str, since: datetime) -> list[Json] | None:
        """The changes, deleted stubs included; None when the answer hit CDC's cap (it has
        no paging, so a full answer may be missing some)."""
        answer = self._get(entity, "cdc", entities=name, changedSince=since.isoformat())
        rows: list[Json] = []
        for block in answer.get("CDCResponse") or []:
            for response in block.get("QueryResponse") or []:
                rows += response.get(name) or []
        return None if len(rows) >= CDC_CAP else rows


def _account_choices(row: Json) -> list[RemoteChoice]:
    """What one account is offered for: income categories' sales, deposits (a bank,
    Undeposited Funds), holding stock (an inventory asset) or costing it (cost of goods
    sold)."""
    code, name = str(row["Id"]), str(row["Name"])
    kind, sub_type = row.get("AccountType"), row.get("AccountSubType")
    if kind in INCOME_TYPES:  # no kind: the mappings page offers it for income categories
        return [RemoteChoice(code=code, name=name)]
    if kind == "Bank" or sub_type == "UndepositedFunds":
        return [RemoteChoice(code=code, name=name, kind="Bank", accepts_payments=True)]
    if sub_type == "Inventory":
        return [RemoteChoice(code=code, name=name, kind=STOCK_ASSET)]
    if kind == "Cost of Goods Sold":
        return [RemoteChoice(code=code, name=name, kind=COST_OF_SALES)]
    return []


def _result(item: Outgoing, name: str, answer: Json | None, updating: bool) -> PushResult:
    if answer is None:
        return PushResult(item.local_id, error="QuickBooks did not answer this record.")
    problem = client.fault(answer)
    if problem is not None:
        return PushResult(item.local_id, error=problem.message, stale=updating and problem.stale)
    record = answer.get(name) or {}
    return PushResult(
        item.local_id,
        remote_id=str(record.get("Id", "")),
        remote_version=str(record.get("SyncToken", "")),
        remote_number=str(record.get("DocNumber") or ""),
    )


def _updated(row: Json) -> datetime:
    return mapping.moment((row.get("MetaData") or {}).get("LastUpdatedTime"))


def _literal(value: str) -> str:
    """A query string literal: Intuit escapes a quote with a backslash."""
    return value.replace("\\", "\\\\").replace("'", "\\'")
