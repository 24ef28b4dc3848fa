"""The sync engine's Sage adapter: https://developer.sage.com/accounting/reference/

Sage has no batch endpoint, so every record is one request (`batch_size = 1`) and the
engine runs creates side by side up to `limits.concurrent`. Every call names its
business in X-Business.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from accounting.engine.adapter import (
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
from accounting.models import Entity, ExternalRef, LedgerDocument
from accounting.providers.sage import client, mapping
from integrations.audit import Call
from integrations.errors import ProviderError
from integrations.limiter import Limits, at_once, per_minute
from integrations.models import AuditEntry
from operations.models import CreditNote, Customer, EquipmentItem, Invoice, Payment

# List pages hold 20 records unless asked for up to 200.
# https://developer.sage.com/accounting/guides/efficiencies/pagination
PAGE_SIZE = 200
# Reference data (chart, tax rates) is read whole, but never past this many pages.
MAX_REFERENCE_PAGES = 25
# Namespace of the idempotency ids derived from the engine's request keys.
IDEMPOTENCY_NAMESPACE = uuid.UUID("a2b9e1f4-6c3d-4e8a-9f51-3d7c0b2e8a64")
# Answers that refuse one record (it is not created or changed); anything else unexpected
# is the provider failing, and fails the run so the record is retried next time.
REFUSALS = frozenset({400, 404, 409, 422})


@dataclass(frozen=True)
class Resource:
    collection: str
    singular: str
    # Fields sent on create only: an update never overwrites what Sage or the bookkeeper
    # may have set since (the reference a bookkeeper gave a contact, a service's ledger
    # account, a draft's status once released, a currency once transactions use it).
    create_only: tuple[str, ...] = ()
    read_params: tuple[tuple[str, str], ...] = ()


RESOURCES: dict[str, Resource] = {
    Entity.CUSTOMER: Resource(
        "contacts", "contact", ("contact_type_ids", "reference", "currency_id")
    ),
    Entity.ITEM: Resource("services", "service", ("sales_ledger_account_id", "notes")),
    # A single artefact GET marks it as sent unless told not to (and moves updated_at).
    Entity.INVOICE: Resource(
        "sales_invoices",
        "sales_invoice",
        ("status_id", "currency_id"),
        (("mark_as_sent", "false"),),
    ),
    Entity.CREDIT_NOTE: Resource(
        "sales_credit_notes",
        "sales_credit_note",
        ("status_id", "currency_id"),
        (("mark_as_sent", "false"),),
    ),
    Entity.PAYMENT: Resource("contact_payments", "contact_payment"),
    Entity.ALLOCATION: Resource("contact_allocations", "contact_allocation"),
}


def idempotency_id(operation: str, request_key: str, version: str = "") -> str:
    """Sage's `idempotency_id`: 32 hex characters, derived from the engine's request key,
    so a create resent after a crash carries the same id and Sage replays its first
    answer (for seven days). An update's id also names the version it was written over:
    writing the same values back later is a new request, never a replay of an old one.
    https://developer.sage.com/accounting/guides/concepts/idempotency"""
    return uuid.uuid5(IDEMPOTENCY_NAMESPACE, f"{operation}:{request_key}:{version}").hex


class SageAdapter(AccountingAdapter):
    batch_size = 1  # no batch endpoint: one record per request
    # 200 calls per 60 s per business (Sage's v3.0 figure, kept since; v3.1 publishes
    # none). Patchbay keeps 10% below it: its sliding window starts a call's clock
    # before Sage's does, and other apps may share the business. Sage has no daily cap.
    limits = Limits((per_minute(180), at_once(4)))
    # Sage Business Cloud Accounting's API has no purchase order resource (only sales
    # quotes and estimates, and purchase invoices once a bill exists).
    purchase_orders_note = (
        "Sage Business Cloud has no purchase-order endpoint, so purchase orders stay in "
        "Patchbay and nothing about them is sent to Sage. Expense categories need no mapping."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Line ids of the artefacts read just now: the engine reads a batch right before
        # updating it, and an update must name the lines it rewrites or removes.
        self._lines_read: dict[str, list[str]] = {}
        self._sales_account: str | None = None
        # This run's listing of every invoice changed since a moment (``removed``).
        self._invoices_changed: tuple[datetime, list[dict[str, Any]]] | None = None

    # --- calls ------------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        return {client.BUSINESS_HEADER: self.connection.remote_id, "Accept": "application/json"}

    def _get(self, entity: str, path: str, params: dict[str, str] | None = None) -> Any:
        """A GET's JSON; None for a record that is not there (404)."""
        call = Call(
            "pull", entity, "GET", client.api_url(path), [], params=params, headers=self._headers()
        )
        response, _ = self.recorder.send(call)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise ProviderError(f"Sage answered {response.status_code} to GET /{path}")
        return response.json()

    def _all_pages(self, path: str, params: dict[str, str]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for number in range(1, MAX_REFERENCE_PAGES + 1):
            body = self._get(Entity.INVOICE, path, params | {"page": str(number)})
            rows += client.items_of(body)
            if not isinstance(body, dict) or not body.get("$next"):
                break
        return rows

    # --- choices for the mappings page ----------------------------------------------

    def accounts(self) -> list[RemoteChoice]:
        """Sales ledger accounts for income; bank accounts for payments (a receipt names a
        bank account, `bank_account_id`, not its ledger account)."""
        listing = {"attributes": "all", "items_per_page": str(PAGE_SIZE)}
        sales = self._all_pages("ledger_accounts", listing | {"visible_in": "sales"})
        banks = self._all_pages("bank_accounts", listing)
        income = [
            RemoteChoice(code=str(row["id"]), name=_account_name(row))
            for row in sales
            if row.get("visible_in_sales", True) and row.get("included_in_chart", True)
        ]
        return income + [
            RemoteChoice(
                code=str(row["id"]),
                name=str(row.get("displayed_as") or row.get("id")),
                kind="BANK",
                accepts_payments=True,
            )
            for row in banks
        ]

    def tax_rates(self) -> list[RemoteChoice]:
        listing = {"attributes": "all", "items_per_page": str(PAGE_SIZE)}
        return [
            RemoteChoice(code=str(row["id"]), name=str(row.get("displayed_as") or row["id"]))
            for row in self._all_pages("tax_rates", listing)
            if row.get("is_visible", True)
        ]

    # --- payloads and the fields Patchbay owns ----------------------------------------

    def customer_payload(self, customer: Customer) -> dict[str, Any]:
        return mapping.contact(customer)

    def item_payload(self, item: EquipmentItem) -> dict[str, Any]:
        return mapping.service(item, self._default_sales_account())

    def _default_sales_account(self) -> str:
        """The account the organisation's first income category maps to: a service needs
        one, and Patchbay's items carry no income category of their own."""
        if self._sales_account is None:
            income = Mappings.of(self.connection).income
            self._sales_account = income[min(income)] if income else ""
        return self._sales_account

    def invoice_payload(
        self, invoice: Invoice, mappings: Mappings, contact_remote_id: str
    ) -> dict[str, Any]:
        return mapping.sales_invoice(
            invoice, mappings, contact_remote_id, draft=not self.pushes_approved
        )

    def credit_note_payload(
        self, note: CreditNote, mappings: Mappings, contact_remote_id: str
    ) -> dict[str, Any]:
        return mapping.sales_credit_note(
            note, mappings, contact_remote_id, draft=not self.pushes_approved
        )

    def payment_payload(
        self, payment: Payment, mappings: Mappings, invoice_remote_id: str, contact_remote_id: str
    ) -> dict[str, Any]:
        return mapping.receipt(
            payment, mappings.payment_account, invoice_remote_id, contact_remote_id
        )

    def allocation_payload(
        self,
        note: CreditNote,
        amount: Decimal,
        invoice_remote_id: str,
        note_remote_id: str,
        contact_remote_id: str,
    ) -> dict[str, Any]:
        return mapping.credit_allocation(
            note, amount, invoice_remote_id, note_remote_id, contact_remote_id
        )

    def ledger_state(self, entity: str, remote: Remote) -> LedgerState:
        return mapping.ledger_state(remote.data)

    def owned(self, entity: str, data: dict[str, Any]) -> dict[str, Any]:
        if entity == Entity.CUSTOMER:
            return mapping.owned_contact(data)
        if entity == Entity.ITEM:
            return mapping.owned_service(data)
        return mapping.owned_document(data)

    def local_fields(self, entity: str, remote: Remote) -> dict[str, Any]:
        if entity == Entity.CUSTOMER:
            return mapping.customer_fields(remote)
        return mapping.item_fields(remote)

    def local_id_hint(self, entity: str, remote: Remote) -> int | None:
        field = "reference" if entity == Entity.CUSTOMER else "item_code"
        return mapping.patchbay_id(remote.data.get(field))

    def _remote(self, entity: str, data: dict[str, Any]) -> Remote:
        return mapping.remote(data, self.owned(entity, data))

    # --- writes -------------------------------------------------------------------------

    def create(self, entity: str, batch: Sequence[Outgoing], request_key: str) -> list[PushResult]:
        """POST, one record each; the id of a resent batch is the one sent before."""
        resource = RESOURCES[entity]
        results = []
        for item in batch:
            key = idempotency_id("create", request_key, str(item.local_id))
            body = {resource.singular: {**item.payload, "idempotency_id": key}}
            results.append(self._write("POST", entity, item, resource.collection, body, key))
        return results

    def update(self, entity: str, batch: Sequence[Outgoing], request_key: str) -> list[PushResult]:
        """PUT the record as Patchbay has it, lines exactly (see mapping.replacing_lines),
        without the fields Patchbay only sets on create."""
        resource = RESOURCES[entity]
        results = []
        for item in batch:
            fields = {k: v for k, v in item.payload.items() if k not in resource.create_only}
            if entity in (Entity.INVOICE, Entity.CREDIT_NOTE):
                lines = mapping.lines_field(fields)
                fields[lines] = mapping.replacing_lines(
                    fields.get(lines) or [], self._line_ids(entity, item.remote_id)
                )
            key = idempotency_id("update", request_key, f"{item.remote_id}:{item.remote_version}")
            body = {resource.singular: {**fields, "idempotency_id": key}}
            path = f"{resource.collection}/{item.remote_id}"
            results.append(self._write("PUT", entity, item, path, body, key))
        return results

    def _line_ids(self, entity: str, remote_id: str) -> list[str]:
        if remote_id not in self._lines_read:
            self.read(entity, [remote_id])  # not read just before: read it now
        return self._lines_read.get(remote_id, [])

    def _write(
        self, method: str, entity: str, item: Outgoing, path: str, body: Any, key: str
    ) -> PushResult:
        call = Call(
            "push",
            entity,
            method,
            client.api_url(path),
            [item.local_id],
            body=body,
            idempotency_key=key,
            headers=self._headers(),
        )
        response, entry = self.recorder.send(call)
        if response.status_code in REFUSALS:
            message = mapping.error_message(_json(response))
            self.recorder.note(entry, AuditEntry.Outcome.ERROR, [])
            return PushResult(item.local_id, error=f"Sage refused it: {message}")
        if response.status_code not in (200, 201):
            raise ProviderError(f"Sage answered {response.status_code} to {method} /{path}")
        data = response.json()
        if entity in (Entity.PAYMENT, Entity.ALLOCATION):
            return self._money_result(entity, item, data, entry)
        found = self._remote(entity, data)
        self._lines_read.pop(found.remote_id, None)  # the lines changed: read them again
        done = AuditEntry.Outcome.CREATED if method == "POST" else AuditEntry.Outcome.UPDATED
        self.recorder.note(entry, done, [found.remote_id], found.version[:100])
        return PushResult(
            item.local_id,
            remote_id=found.remote_id,
            remote_version=found.version,
            remote_number=mapping.number_of(data),
            remote_url=mapping.web_link(data),
        )

    def _money_result(
        self, entity: str, item: Outgoing, data: dict[str, Any], entry: AuditEntry
    ) -> PushResult:
        """A receipt is linked under the id its pull gives the invoice's share, so the
        echo is recognised; an allocation under its own id."""
        remote_id = str(data.get("id", ""))
        if entity == Entity.PAYMENT:
            shares = item.payload.get("allocated_artefacts") or [{}]
            remote_id = mapping.payment_share_id(data, str(shares[0].get("artefact_id", "")))
        version = str(data.get("updated_at", ""))
        self.recorder.note(entry, AuditEntry.Outcome.CREATED, [remote_id], version[:100])
        return PushResult(item.local_id, remote_id=remote_id, remote_version=version)

    # --- reads --------------------------------------------------------------------------

    def read(self, entity: str, remote_ids: Sequence[str]) -> dict[str, Remote]:
        """One GET per record (Sage has no ids filter)."""
        resource = RESOURCES[entity]
        found: dict[str, Remote] = {}
        for remote_id in remote_ids:
            data = self._get(
                entity, f"{resource.collection}/{remote_id}", dict(resource.read_params)
            )
            if not isinstance(data, dict) or not data.get("id"):
                continue
            remote = self._remote(entity, data)
            found[remote.remote_id] = remote
            lines = data.get(mapping.lines_field(data))
            if isinstance(lines, list):
                self._lines_read[remote.remote_id] = [str(line["id"]) for line in lines]
        return found

    def _listing(self, since: datetime | None, page: int) -> dict[str, str]:
        params = {
            "attributes": "all",
            "items_per_page": str(PAGE_SIZE),
            "page": str(page),
            "sort": "updated_at:asc",
        }
        if since is not None:  # inclusive of the timestamp, which Sage keeps to the second
            params["updated_or_created_since"] = since.strftime("%Y-%m-%dT%H:%M:%SZ")
        return params

    def changes(self, entity: str, since: datetime | None, page: int) -> Page:
        """Contacts (customers only) or services changed since ``since``, oldest first,
        and on the last page those deleted since (see ``_deleted``).
        Paging follows `$next`: Sage answers a page past the end with the last page, so
        only a null `$next` ends the listing."""
        params = self._listing(since, page)
        if entity == Entity.CUSTOMER:
            params["contact_type_id"] = "CUSTOMER"
        collection = RESOURCES[entity].collection
        body = self._get(entity, collection, params)
        records = [self._remote(entity, row) for row in client.items_of(body)]
        if since is not None and not _has_next(body):
            records += [
                mapping.deleted_remote(row, since)
                for row in self._deleted(entity, collection, since)
            ]
        return Page(records=records, more=_has_next(body))

    def removed(self, entities: Sequence[str], since: datetime, page: int) -> Page:
        """Sage reports the two ways an artefact leaves the books differently: a draft
        deleted (``DELETE`` on a draft) is gone, listed only by ``deleted_since`` with its
        ``deleted_at``; anything else ``DELETE``d is voided, kept with status VOID and a
        new ``updated_at``, so it is found among the artefacts changed since (no status
        filter is published: the status is read and the rest passed over). Every page of
        both is read here, as ``_deleted`` does, so ``page`` is always the first.
        https://developer.sage.com/accounting/reference/invoicing-sales/"""
        removals: list[Removal] = []
        for entity in entities:
            if entity not in VOIDABLE:
                continue  # no such document pushed to Sage (quotes are not)
            collection = RESOURCES[entity].collection
            # Invoices whole: the ledger mirror's read later in the run is answered from
            # them (``ledger_invoices``); other artefacts need only their status.
            whole = entity == Entity.INVOICE
            attributes = "all" if whole else "status,updated_at"
            params = self._listing(since, 1) | {"attributes": attributes}
            number = 1
            listed: list[dict[str, Any]] = []
            while True:
                body = self._get(entity, collection, params | {"page": str(number)})
                listed += client.items_of(body)
                removals += [
                    mapping.voided(entity, row, since)
                    for row in client.items_of(body)
                    if mapping.is_void(row)
                ]
                if not _has_next(body):
                    break
                number += 1
            if whole:
                self._invoices_changed = (since, listed)
            removals += [
                mapping.deleted_artefact(entity, row, since)
                for row in self._deleted(entity, collection, since)
            ]
        return Page(removals=removals)

    def pull_payments(self, since: datetime | None, page: int) -> Page:
        params = self._listing(since, page) | {"transaction_type_id": "CUSTOMER_RECEIPT"}
        body = self._get(Entity.PAYMENT, "contact_payments", params)
        found = [share for row in client.items_of(body) for share in mapping.payments(row)]
        if since is not None and not _has_next(body):
            for row in self._deleted(Entity.PAYMENT, "contact_payments", since):
                shares = self._shares_applied(str(row.get("id") or ""))
                found += mapping.deleted_payments(row, shares, since)
        return Page(payments=found, more=_has_next(body))

    def ledger_invoices(self, since: datetime | None, page: int) -> Page:
        """Sales invoices created or changed since ``since``, oldest first. Sage deletes
        only drafts (anything issued is voided, and listed as VOID), and drafts owe
        nothing so are never mirrored: no ``deleted_since`` read is needed."""
        seen = self._invoices_changed
        if since is not None and page == 1 and seen is not None and seen[0] <= since:
            # This run's read of removed documents listed every invoice changed since
            # then or earlier (a quiet sync's case): no second call.
            return Page(invoices=[mapping.ledger_invoice(row) for row in seen[1]])
        params = self._listing(since, page)
        body = self._get(Entity.INVOICE, RESOURCES[Entity.INVOICE].collection, params)
        invoices = [mapping.ledger_invoice(row) for row in client.items_of(body)]
        return Page(invoices=invoices, more=_has_next(body))

    def _deleted(self, entity: str, collection: str, since: datetime) -> list[dict[str, Any]]:
        """Every record of the collection deleted after ``since`` (Sage's `deleted_since`
        is exclusive and lists deleted records only), all pages, read once per
        incremental pull: after the last page of changes, so a deletion made while the
        changes were paged is seen in the same run. Only ids and `deleted_at` are used
        (the listing's record shape is not published), and no type filter is sent: ids
        Patchbay never linked are passed over by the engine.
        https://developer.sage.com/accounting/guides/efficiencies/filtering"""
        params = {
            "items_per_page": str(PAGE_SIZE),
            "deleted_since": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        rows: list[dict[str, Any]] = []
        number = 1
        while True:
            body = self._get(entity, collection, params | {"page": str(number)})
            rows += [row for row in client.items_of(body) if row.get("id")]
            if not _has_next(body):
                return rows
            number += 1

    def _shares_applied(self, payment_id: str) -> list[str]:
        """The ids of a receipt's shares Patchbay applied (`<payment id>:<allocation id>`,
        see ``mapping.payments``): a deleted receipt's listing entry names only the
        receipt."""
        if not payment_id:
            return []
        refs = ExternalRef.objects.filter(
            connection=self.connection,
            entity=Entity.PAYMENT,
            remote_id__startswith=f"{payment_id}:",
        )
        # And those the ledger mirror holds (a receipt for an invoice made in Sage).
        mirrored = LedgerDocument.objects.filter(
            connection=self.connection,
            kind=LedgerDocument.Kind.PAYMENT,
            remote_id__startswith=f"{payment_id}:",
        )
        return [
            *refs.values_list("remote_id", flat=True),
            *mirrored.values_list("remote_id", flat=True),
        ]


# The artefacts Patchbay pushes that a bookkeeper can delete (a draft) or void.
VOIDABLE = (Entity.INVOICE, Entity.CREDIT_NOTE)


def _has_next(body: Any) -> bool:
    return isinstance(body, dict) and bool(body.get("$next"))


def _account_name(row: dict[str, Any]) -> str:
    code = row.get("nominal_code")
    name = str(row.get("display_name") or row.get("name") or row.get("displayed_as"))
    return f"{code} {name}" if code else name


def _json(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
