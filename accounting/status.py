"""What an accounting card needs to know about its connection's syncing."""

from __future__ import annotations

from dataclasses import dataclass

from accounting.mappings import missing_mappings
from accounting.models import ExternalRef, Review
from integrations.models import Connection, SyncRun


@dataclass(frozen=True)
class SyncStatus:
    needs_mappings: bool
    latest_run: SyncRun | None
    open_reviews: int = 0
    # Records the ledger refused that no one has excluded (retried every run).
    failing: int = 0

    @property
    def running(self) -> bool:
        return self.latest_run is not None and self.latest_run.is_running


def sync_status(connection: Connection) -> SyncStatus:
    latest = SyncRun.objects.filter(connection=connection).order_by("-started_at", "-pk").first()
    return SyncStatus(
        needs_mappings=bool(missing_mappings(connection)),
        latest_run=latest,
        open_reviews=Review.objects.filter(
            connection=connection, resolution=Review.Resolution.OPEN
        ).count(),
        failing=ExternalRef.objects.filter(
            connection=connection, state=ExternalRef.State.ERROR, excluded=False
        ).count(),
    )
