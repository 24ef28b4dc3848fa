"""Each provider that notifies Patchbay, as data: its header, its key and its reader.

The view knows no provider by name: a provider package declares its `Source` in its
`webhooks.py` and its registry entry carries it (`Integration.webhook`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from integrations.provider_webhooks.notices import Notice
from integrations.registry import registered


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


def registered_sources() -> list[Source]:
    return [entry.webhook for entry in registered() if entry.webhook is not None]
