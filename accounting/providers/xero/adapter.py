"""The sync engine's Xero adapter: https://developer.xero.com/documentation/api/accounting/overview"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.conf import settings

from accounting.engine.adapter import (
    EXPENSE_ACCOUNT,
    AccountingAdapter,
    LedgerState,
    Mappings,
    Outgoing,
    Page,
    PushResult,
    Remote,
    RemoteChoice,
    Removal,
)
from accounting.models import Entity
from accounting.providers.xero import mapping
from integrations.audit import Call
from integrations.errors import ProviderError
from integrations.limiter import Limits, at_once, per_minute
from integrations.models import AuditEntry
from operations.models import (
    CreditNote,
    Customer,
    EquipmentItem,
    Invoice,
    Payment,
    PurchaseOrder,
)

# Xero pages hold 100 records unless asked for up to 1,000 (since July 2024).
PAGE_SIZE = 1000
# A written document's number and where it opens in Xero, by the id field it answers with.
NUMBER_FIELDS = {
    "InvoiceID": "InvoiceNumber",
    "CreditNoteID": "CreditNoteNumber",
    "PurchaseOrderID": "PurchaseOrderNumber",
}
# Account types purchase order lines can be booked to.
EXPENSE_TYPES = ("EXPENSE", "DIRECTCOSTS", "OVERHEADS")
WEB_URL_SETTINGS = {"InvoiceID": "XERO_INVOICE_WEB_URL", "CreditNoteID": "XERO_CREDIT_NOTE_WEB_URL"}


class XeroAdapter(AccountingAdapter):
    batch_size = 50  # Xero: "batch elements in bundles of up to 50"
    # https://developer.xero.com/documentation/guides/oauth2/limits/
    limits = Limits((per_minute(60), at_once(5)), per_day=5000)
    # This run's listing of every approved-or-since invoice changed since a moment.
    _invoices_changed: tuple[datetime, list[dict[str, Any]]] | None = None
    pushes_purchase_orders = True  # PurchaseOrders, to the supplier's contact

    @staticmethod
    def quota(headers: Mapping[str, str]) -> tuple[int | None, int | None]:
        return _header_int(headers, "X-MinLimit-Remaining"), _header_int(
            headers, "X-DayLimit-Remaining"
        )

    def _url(self, path: str) -> str:
        return f"{settings.XERO_API_BASE}/{path}"

    def _headers(self) -> dict[str, str]:
        return {"xero-tenant-id": self.connection.remote_id, "Accept": "application/json"}

    def _get(self, entity: str, path: str, **extra: Any) -> dict[str, Any]:
        call = Call("pull", entity, "GET", self._url(path), [], headers=self._headers(), **extra)
        return self._read(call)

    def _read(self, call: Call) -> dict[str, Any]:
        response, _ = self.recorder.send(call)
        if response.status_code == 404:
            return {}
        if response.status_code != 200:
            raise ProviderError(f"Xero answered {response.status_code} to GET {call.url}")
        body: dict[str, Any] = response.json()
        return body

    @cached_property
    def _chart(self) -> list[dict[str, Any]]:
        """The chart of accounts, read once per adapter: the mapping choices' refresh asks
        for sales and expense accounts alike."""
        rows: list[dict[str, Any]] = self._get(Entity.INVOICE, "Accounts")["Accounts"]
        return rows

    def accounts(self) -> list[RemoteChoice]:
        rows = self._chart
        return [
            RemoteChoice(
                code=str(row.get("Code") or ""),
                name=str(row["Name"]),
                kind=str(row.get("Type", "")),
                accepts_payments=row.get("Type") == "BANK"
                or bool(row.get("EnablePaymentsToAccount")),
            )
            for row in rows
            if row.get("Status") == "ACTIVE" and row.get("Code")
        ]

    def expense_accounts(self) -> list[RemoteChoice]:
        return [
            RemoteChoice(code=str(row["Code"]), name=str(row["Name"]), kind=EXPENSE_ACCOUNT)
            for row in self._chart
            if row.get("Status") == "ACTIVE"
            and row.get("Code")
            and row.get("Type") in EXPENSE_TYPES
        ]

    def tax_rates(self) -> list[RemoteChoice]:
        rows = self._get(Entity.INVOICE, "TaxRates")["TaxRates"]
        return [
            RemoteChoice(
                code=str(row["TaxType"]), name=f"{row['Name']} ({row.get('DisplayTaxRate', 0)}%)"
            )
            for row in rows
            if row.get("Status") == "ACTIVE" and row.get("CanApplyToRevenue", True)
        ]

    # --- payloads and the fields Patchbay owns --------------------------------------

    def customer_payload(self, customer: Customer) -> dict[str, Any]:
        return mapping.contact(customer)

    def item_payload(self, item: EquipmentItem) -> dict[str, Any]:
        return mapping.item(item)

    @property
    def _status(self) -> str:
        return "AUTHORISED" if self.pushes_approved else "DRAFT"

    def invoice_payload(
        self, invoice: Invoice, mappings: Mappings, contact_remote_id: str
    ) -> dict[str, Any]:
        return mapping.invoice(invoice, mappings, contact_remote_id, self._status)

    def credit_note_payload(
        self, note: CreditNote, mappings: Mappings, contact_remote_id: str
    ) -> dict[str, Any]:
        return mapping.credit_note(note, mappings, contact_remote_id, self._status)

    def purchase_order_payload(
        self, order: PurchaseOrder, mappings: Mappings, supplier_remote_id: str
    ) -> dict[str, Any]:
        return mapping.purchase_order(order, mappings, supplier_remote_id, self._status)

    def payment_payload(
        self, payment: Payment, mappings: Mappings, invoice_remote_id: str, contact_remote_id: str
    ) -> dict[str, Any]:
        return mapping.payment_out(payment, mappings.payment_account, invoice_remote_id)

    def allocation_payload(
        self,
        note: CreditNote,
        amount: Decimal,
        invoice_remote_id: str,
        note_remote_id: str,
        contact_remote_id: str,
    ) -> dict[str, Any]:
        return mapping.allocation(note, amount, invoice_remote_id, note_remote_id)

    def ledger_state(self, entity: str, remote: Remote) -> LedgerState:
        return mapping.ledger_state(remote.data)

    def owned(self, entity: str, data: dict[str, Any]) -> dict[str, Any]:
        if entity == Entity.CUSTOMER:
            return mapping.owned_contact(data)
        if entity == Entity.ITEM:
            return mapping.owned_item(data)
        if entity == Entity.PURCHASE_ORDER:
            return mapping.owned_purchase_order(data)
        return mapping.owned_document(data)

    def local_fields(self, entity: str, remote: Remote) -> dict[str, Any]:
        if entity == Entity.CUSTOMER:
            return mapping.customer_fields(remote)
        return mapping.item_fields(remote)

    def local_id_hint(self, entity: str, remote: Remote) -> int | None:
        field = "ContactNumber" if entity == Entity.CUSTOMER else "Code"
        return mapping.patchbay_id(remote.data.get(field))

    # --- writes -----------------------------------------------------------------------

    def create(self, entity: str, batch: Sequence[Outgoing], request_key: str) -> list[PushResult]:
        """PUT creates only: a retry can never turn into an update of something else."""
        if entity == Entity.ALLOCATION:
            return [self._allocate(item, request_key) for item in batch]
        return self._write("PUT", entity, batch, request_key, [i.payload for i in batch])

    def _allocate(self, item: Outgoing, request_key: str) -> PushResult:
        """One credit note's allocation: its own request under a key of its own (derived
        from the batch's and the record's, so a resend replays it)."""
        note_id = str(item.payload["CreditNoteID"])
        call = Call(
            "push",
            Entity.ALLOCATION,
            "PUT",
            self._url(f"CreditNotes/{note_id}/Allocations"),
            [item.local_id],
            body={"Allocations": [item.payload["Allocation"]]},
            idempotency_key=f"{request_key[:80]}-{item.local_id}",
            params={"summarizeErrors": "false"},
            headers=self._headers(),
        )
        response, entry = self.recorder.send(call)
        if response.status_code != 200:
            raise ProviderError(f"Xero answered {response.status_code} to PUT Allocations")
        element = (response.json().get("Allocations") or [{}])[0]
        result = self._result(item, element, "AllocationID")
        outcome = AuditEntry.Outcome.CREATED if result.ok else AuditEntry.Outcome.ERROR
        self.recorder.note(entry, outcome, [result.remote_id] if result.ok else [])
        return result

    def update(self, entity: str, batch: Sequence[Outgoing], request_key: str) -> list[PushResult]:
        """POST with each record's id: the whole record as Patchbay has it, lines included
        (Xero drops lines left out of an update), but never its status: the bookkeeper
        may have approved the draft, and Patchbay doesn't take that back."""
        id_field = RESOURCES[entity][1]
        bodies = [
            {**{k: v for k, v in item.payload.items() if k != "Status"}, id_field: item.remote_id}
            for item in batch
        ]
        return self._write("POST", entity, batch, request_key, bodies)

    def _write(
        self,
        method: str,
        entity: str,
        batch: Sequence[Outgoing],
        request_key: str,
        bodies: list[dict[str, Any]],
    ) -> list[PushResult]:
        """An array with summarizeErrors=false: a bad element doesn't sink the rest."""
        plural, id_field = RESOURCES[entity]
        call = Call(
            "push",
            entity,
            method,
            self._url(plural),
            [item.local_id for item in batch],
            body={plural: bodies},
            idempotency_key=request_key,
            params={"summarizeErrors": "false"},
            headers=self._headers(),
        )
        response, entry = self.recorder.send(call)
        if response.status_code != 200:
            raise ProviderError(f"Xero answered {response.status_code} to {method} {plural}")
        elements = response.json()[plural]
        results = [
            self._result(item, element, id_field)
            for item, element in zip(batch, elements, strict=True)
        ]
        done = AuditEntry.Outcome.CREATED if method == "PUT" else AuditEntry.Outcome.UPDATED
        outcome = AuditEntry.Outcome.of_batch(done, [r.ok for r in results])
        versions = ",".join(sorted({r.remote_version for r in results if r.remote_version}))
        self.recorder.note(entry, outcome, [r.remote_id for r in results], versions[:100])
        return results

    def _result(self, item: Outgoing, element: dict[str, Any], id_field: str) -> PushResult:
        refused = element.get("HasErrors") or element.get("HasValidationErrors")
        if refused or element.get("StatusAttributeString") == "ERROR":
            return PushResult(item.local_id, error=mapping.validation_message(element))
        remote_id = str(element[id_field])
        return PushResult(
            item.local_id,
            remote_id=remote_id,
            remote_version=str(element.get("UpdatedDateUTC", "")),
            remote_number=str(element.get(NUMBER_FIELDS.get(id_field, ""), "") or "")[:60],
            remote_url=self._web_url(id_field, remote_id),
        )

    def _web_url(self, id_field: str, remote_id: str) -> str:
        template = WEB_URL_SETTINGS.get(id_field)
        if template is None:
            return ""
        url = str(getattr(settings, template))
        return url.format(id=remote_id, tenant=self.connection.remote_id)

    # --- reads ------------------------------------------------------------------------

    def read(self, entity: str, remote_ids: Sequence[str]) -> dict[str, Remote]:
        plural, id_field = RESOURCES[entity]
        wanted = set(remote_ids)
        if entity in SINGLY_READ:  # no IDs filter on these: one GET each
            rows = [
                r
                for rid in remote_ids
                for r in self._get(entity, f"{plural}/{rid}").get(plural, [])
            ]
        elif entity == Entity.ITEM:  # Items come whole, never paged
            rows = self._get(entity, plural).get(plural, [])
        else:
            # A paged request returns line items; IDs lists stay within Xero's ~50 limit.
            params = {"IDs": ",".join(remote_ids), "page": "1", "pageSize": str(PAGE_SIZE)}
            if entity == Entity.CUSTOMER:
                params["includeArchived"] = "true"
            rows = self._get(entity, plural, params=params).get(plural, [])
        found = [mapping.remote(row, id_field) for row in rows]
        return {r.remote_id: r for r in found if r.remote_id in wanted}

    def changes(self, entity: str, since: datetime | None, page: int) -> Page:
        plural, id_field = RESOURCES[entity]
        headers = self._headers()
        if since is not None:
            headers["If-Modified-Since"] = since.isoformat()
        params = {"order": "UpdatedDateUTC ASC"}
        if entity == Entity.CUSTOMER:
            params |= {"page": str(page), "pageSize": str(PAGE_SIZE), "includeArchived": "true"}
        call = Call("pull", entity, "GET", self._url(plural), [], params=params, headers=headers)
        rows = self._read(call).get(plural, [])
        records = [mapping.remote(row, id_field) for row in rows if _wanted(entity, row)]
        return Page(records=records, more=entity == Entity.CUSTOMER and len(rows) == PAGE_SIZE)

    def removed(self, entities: Sequence[str], since: datetime, page: int) -> Page:
        """Xero keeps a deleted or voided document, its Status DELETED or VOIDED and its
        UpdatedDateUTC the moment of the change, so a list modified since the cursor and
        filtered to those statuses finds them: Invoices by ``Statuses`` (with AUTHORISED
        and PAID too, for the ledger mirror: each row is judged by its own status),
        CreditNotes (which have no such filter) by ``where``. One paged GET per kind.
        https://developer.xero.com/documentation/api/accounting/invoices#get-invoices"""
        removals: list[Removal] = []
        more = False
        for entity in entities:
            filters = REMOVED_FILTERS.get(entity)
            if filters is None:
                continue  # no such document in Xero (quotes are not pushed there)
            plural, id_field = RESOURCES[entity]
            headers = self._headers() | {"If-Modified-Since": since.isoformat()}
            params = {"page": str(page), "pageSize": str(PAGE_SIZE), "order": "UpdatedDateUTC ASC"}
            call = Call(
                "pull",
                entity,
                "GET",
                self._url(plural),
                [],
                params=params | filters,
                headers=headers,
            )
            rows = self._read(call).get(plural, [])
            more = more or len(rows) == PAGE_SIZE
            if entity == Entity.INVOICE and page == 1 and len(rows) < PAGE_SIZE:
                # Every sales invoice changed since then that is or was approved: the
                # ledger mirror's read later in the run is answered from it.
                self._invoices_changed = (since, rows)
            found = (mapping.removal(entity, row, id_field) for row in rows)
            removals += [removal for removal in found if removal is not None]
        return Page(removals=removals, more=more)

    def pull_payments(self, since: datetime | None, page: int) -> Page:
        headers = self._headers()
        if since is not None:
            headers["If-Modified-Since"] = since.isoformat()
        call = Call(
            "pull",
            Entity.PAYMENT,
            "GET",
            self._url("Payments"),
            [],
            params={"page": str(page), "pageSize": str(PAGE_SIZE), "order": "UpdatedDateUTC ASC"},
            headers=headers,
        )
        rows = self._read(call).get("Payments", [])
        return Page(payments=[mapping.payment(row) for row in rows], more=len(rows) == PAGE_SIZE)

    def ledger_invoices(self, since: datetime | None, page: int) -> Page:
        """Sales invoices changed since ``since`` that are, or were, in a customer's
        account: drafts are left out by ``Statuses`` (a draft owes nothing), DELETED and
        VOIDED kept so a mirrored invoice removed in Xero is seen. One paged GET.
        https://developer.xero.com/documentation/api/accounting/invoices#get-invoices"""
        seen = self._invoices_changed
        if since is not None and page == 1 and seen is not None and seen[0] <= since:
            # This run's read of removed documents listed them already (``removed``).
            found = (mapping.ledger_invoice(row) for row in seen[1])
            return Page(invoices=[invoice for invoice in found if invoice is not None])
        headers = self._headers()
        if since is not None:
            headers["If-Modified-Since"] = since.isoformat()
        params = {
            "page": str(page),
            "pageSize": str(PAGE_SIZE),
            "order": "UpdatedDateUTC ASC",
            "Statuses": MIRRORED_STATUSES,
        }
        call = Call(
            "pull", Entity.INVOICE, "GET", self._url("Invoices"), [], params=params, headers=headers
        )
        rows = self._read(call).get("Invoices", [])
        found = (mapping.ledger_invoice(row) for row in rows)
        return Page(
            invoices=[invoice for invoice in found if invoice is not None],
            more=len(rows) == PAGE_SIZE,
        )


RESOURCES: dict[str, tuple[str, str]] = {
    Entity.CUSTOMER: ("Contacts", "ContactID"),
    Entity.ITEM: ("Items", "ItemID"),
    Entity.INVOICE: ("Invoices", "InvoiceID"),
    Entity.CREDIT_NOTE: ("CreditNotes", "CreditNoteID"),
    Entity.PAYMENT: ("Payments", "PaymentID"),
    Entity.PURCHASE_ORDER: ("PurchaseOrders", "PurchaseOrderID"),
}
# Lists without an IDs filter: an update's read asks for each record by its id.
SINGLY_READ = (Entity.CREDIT_NOTE, Entity.PURCHASE_ORDER)


# The invoices of the ledger mirror: every status but a draft's (a draft owes nothing),
# DELETED and VOIDED included so a mirrored invoice removed in Xero is seen.
MIRRORED_STATUSES = "AUTHORISED,PAID,VOIDED,DELETED"

# How each document kind's list is narrowed to the deleted and voided ones. Invoices are
# read with the mirror's statuses, a superset judged row by row (``mapping.removal``),
# so that one read serves both (``ledger_invoices``).
REMOVED_FILTERS: dict[str, dict[str, str]] = {
    Entity.INVOICE: {"Statuses": MIRRORED_STATUSES},
    Entity.CREDIT_NOTE: {"where": 'Status=="DELETED" OR Status=="VOIDED"'},
    # A purchase order is never voided in Xero, only deleted.
    Entity.PURCHASE_ORDER: {"Status": "DELETED"},
}


def _wanted(entity: str, row: dict[str, Any]) -> bool:
    """Suppliers are not Patchbay customers; everything else in the ledger is."""
    return not (entity == Entity.CUSTOMER and row.get("IsSupplier") and not row.get("IsCustomer"))


def _header_int(headers: Mapping[str, str], name: str) -> int | None:
    # ASCII digits only: str.isdigit() also passes "²", which int() refuses.
    value = (headers.get(name) or "").strip()
    return int(value) if re.fullmatch(r"[0-9]{1,18}", value) else None
