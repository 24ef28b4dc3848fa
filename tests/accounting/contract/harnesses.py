"""Every accounting provider in the contract suite, each by its own harness."""

from __future__ import annotations

from tests.accounting.contract.harness import ProviderHarness
from tests.accounting.providers.quickbooks.harness import QuickBooksHarness
from tests.accounting.providers.sage.harness import SageHarness
from tests.accounting.providers.xero.harness import XeroHarness

HARNESSES: dict[str, type[ProviderHarness]] = {
    "xero": XeroHarness,
    "quickbooks": QuickBooksHarness,
    "sage": SageHarness,
}
