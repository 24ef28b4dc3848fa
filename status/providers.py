"""Which integrations the status page reports on: those that connect to a provider and
call it for a connection (the accounting platforms and calendars today). Read from the
registry, so a new provider appears without a change here."""

from __future__ import annotations

from integrations.registry import Integration, ManagedIntegration, registered


def status_providers() -> list[Integration]:
    return [
        entry
        for entry in registered()
        if entry.connects and not isinstance(entry, ManagedIntegration)
    ]
