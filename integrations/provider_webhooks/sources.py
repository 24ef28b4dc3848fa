"""Each provider that notifies Patchbay, as data: its header, its key and its reader.

The view knows no provider by name; adding one is a module like `xero.py` plus an entry
in SOURCES.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from integrations.provider_webhooks import quickbooks, xero
from integrations.provider_webhooks.notices import Notice


@dataclass(frozen=True)
class Source:
    slug: str  # the Connection.provider it wakes
    header: str  # where the signature travels
    key_setting: str  # the settings name of the signing key
    read: Callable[[Any], Notice]  # the parsed JSON body -> remote ids and counts
    # Xero checks the endpoint with empty, correctly and wrongly signed deliveries.
    handshake: bool = field(default=False)

    @property
    def key(self) -> str:
        return str(getattr(settings, self.key_setting, "") or "")


XERO = Source("xero", "x-xero-signature", "XERO_WEBHOOK_KEY", xero.read, handshake=True)
QUICKBOOKS = Source(
    "quickbooks", "intuit-signature", "QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN", quickbooks.read
)
SOURCES: dict[str, Source] = {source.slug: source for source in (XERO, QUICKBOOKS)}
