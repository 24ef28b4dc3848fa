"""The sync engine's Xero adapter: https://developer.xero.com/documentation/api/accounting/overview"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings

from accounting.engine.adapter import (
    AccountingAdapter,
    Mappings,
    Outgoing,
    Page,
    PushResult,
    RemoteChoice,
)
from accounting.engine.audit import Call
from accounting.engine.push import batch_key
from accounting.models import AuditEntry, Entity
from accounting.providers.xero import mapping
from integrations.budget import Limits
from integrations.errors import ProviderError
from operations.models import Customer, Invoice

PAGE_SIZE = 100


class XeroAdapter(AccountingAdapter):
    batch_size = 50  # Xero: "batch elements in bundles of up to 50"
    # https://developer.xero.com/documentation/guides/oauth2/limits/
    limits = Limits(per_minute=60, concurrent=5, per_day=5000)

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
        response, _ = self.recorder.send(call)
        if response.status_code != 200:
            raise ProviderError(f"Xero answered {response.status_code} to GET {path}")
        body: dict[str, Any] = response.json()
        return body

    def accounts(self) -> list[RemoteChoice]:
        rows = self._get(Entity.INVOICE, "Accounts")["Accounts"]
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

    def tax_rates(self) -> list[RemoteChoice]:
        rows = self._get(Entity.INVOICE, "TaxRates")["TaxRates"]
        return [
            RemoteChoice(
                code=str(row["TaxType"]), name=f"{row['Name']} ({row.get('DisplayTaxRate', 0)}%)"
            )
            for row in rows
            if row.get("Status") == "ACTIVE" and row.get("CanApplyToRevenue", True)
        ]

    def customer_payload(self, customer: Customer) -> dict[str, Any]:
        return mapping.contact(customer)

    def invoice_payload(
        self, invoice: Invoice, mappings: Mappings, contact_remote_id: str
    ) -> dict[str, Any]:
        return mapping.invoice(invoice, mappings, contact_remote_id)

    def _put(
        self, entity: str, plural: str, id_field: str, batch: Sequence[Outgoing]
    ) -> list[PushResult]:
        """PUT an array with summarizeErrors=false: a bad element doesn't sink the rest."""
        call = Call(
            "push",
            entity,
            "PUT",
            self._url(plural),
            [item.local_id for item in batch],
            body={plural: [item.payload for item in batch]},
            idempotency_key=batch_key(batch),
            params={"summarizeErrors": "false"},
            headers=self._headers(),
        )
        response, entry = self.recorder.send(call)
        if response.status_code != 200:
            raise ProviderError(f"Xero answered {response.status_code} to PUT {plural}")
        elements = response.json()[plural]
        results = [
            self._result(item, element, id_field)
            for item, element in zip(batch, elements, strict=True)
        ]
        outcome = (
            AuditEntry.Outcome.CREATED if all(r.ok for r in results) else AuditEntry.Outcome.ERROR
        )
        self.recorder.note(entry, outcome, [r.remote_id for r in results])
        return results

    @staticmethod
    def _result(item: Outgoing, element: dict[str, Any], id_field: str) -> PushResult:
        if element.get("HasErrors") or element.get("StatusAttributeString") == "ERROR":
            return PushResult(item.local_id, error=mapping.validation_message(element))
        return PushResult(
            item.local_id,
            remote_id=str(element[id_field]),
            remote_version=str(element.get("UpdatedDateUTC", "")),
        )

    def push_customers(self, batch: Sequence[Outgoing]) -> list[PushResult]:
        return self._put(Entity.CUSTOMER, "Contacts", "ContactID", batch)

    def push_invoices(self, batch: Sequence[Outgoing]) -> list[PushResult]:
        return self._put(Entity.INVOICE, "Invoices", "InvoiceID", batch)

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
        response, _ = self.recorder.send(call)
        if response.status_code != 200:
            raise ProviderError(f"Xero answered {response.status_code} to GET Payments")
        rows = response.json().get("Payments", [])
        return Page(payments=[mapping.payment(row) for row in rows], more=len(rows) == PAGE_SIZE)


def _header_int(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name)
    return int(value) if value is not None and value.isdigit() else None
