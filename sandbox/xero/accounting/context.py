"""One request's view of an organisation's books: who writes, when, and cached lookups.

The chart of accounts and the tax rates are small and read by every line item, so a
request loads them once.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import cached_property

from sandbox.xero.accounting.dates import stamp
from sandbox.xero.accounting.models import XeroAccount, XeroItem, XeroTaxRate
from sandbox.xero.models import XeroOrganisation


class Books:
    def __init__(
        self,
        organisation: XeroOrganisation,
        client_id: str = "",
        now: datetime | None = None,
        unitdp: int = 2,
    ) -> None:
        self.organisation = organisation
        self.client_id = client_id  # blank: a person working inside Xero
        self.now = now or stamp()
        self.unitdp = unitdp
        self.highest_numbers: dict[str, int] = {}  # INV -> 41, once looked up

    @cached_property
    def accounts(self) -> dict[str, XeroAccount]:
        return {row.code: row for row in XeroAccount.objects.filter(organisation=self.organisation)}

    @cached_property
    def tax_rates(self) -> dict[str, XeroTaxRate]:
        rows = XeroTaxRate.objects.filter(organisation=self.organisation)
        return {row.tax_type: row for row in rows}

    def account(self, code: str) -> XeroAccount | None:
        return self.accounts.get(code)

    def account_by_id(self, account_id: uuid.UUID) -> XeroAccount | None:
        return next((row for row in self.accounts.values() if row.account_id == account_id), None)

    @cached_property
    def items(self) -> dict[str, XeroItem]:
        """Items by upper-case code: line items name them, and codes match without case."""
        return {
            row.code.upper(): row for row in XeroItem.objects.filter(organisation=self.organisation)
        }

    def item(self, code: str) -> XeroItem | None:
        return self.items.get(code.upper())
