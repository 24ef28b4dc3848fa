"""One request's view of a company's books: who writes, when, the entities it reads and
writes, and the changes it made (for webhooks).

Writers lock the company row first, so Ids, DocNumbers, SyncTokens and name checks are
decided in order whichever process serves the call, and LastUpdatedTime never goes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sandbox.quickbooks.clock import stamp
from sandbox.quickbooks.models import QboCompany, QboEntity

Json = dict[str, Any]


@dataclass(frozen=True)
class Change:
    entity: str
    entity_id: str
    operation: str  # Create, Update, Delete, Void (the webhook's words)
    at: datetime


class Books:
    def __init__(
        self, company: QboCompany, client_id: str = "", now: datetime | None = None
    ) -> None:
        self.company = company
        self.client_id = client_id  # blank: a person working inside QuickBooks
        self.now = now or stamp()
        self.changes: list[Change] = []
        # Batch items do not see what earlier items of the same batch wrote.
        self.hidden: set[tuple[str, str]] = set()
        self._cache: dict[tuple[str, str], QboEntity | None] = {}
        self.memo: dict[str, Any] = {}  # values worked out once per request

    # --- reading ---------------------------------------------------------------------

    def get(self, entity: str, entity_id: object, *, deleted: bool = False) -> QboEntity | None:
        key = (entity, str(entity_id))
        if key in self.hidden:
            return None
        if key not in self._cache:
            self._cache[key] = QboEntity.objects.filter(
                company=self.company, entity=entity, entity_id=key[1]
            ).first()
        row = self._cache[key]
        if row is not None and row.deleted_at is not None and not deleted:
            return None
        return row

    def all(self, entity: str) -> list[QboEntity]:
        rows = QboEntity.objects.filter(
            company=self.company, entity=entity, deleted_at__isnull=True
        )
        return [row for row in rows if (entity, row.entity_id) not in self.hidden]

    def forget(self) -> None:
        self._cache.clear()
        self.memo.clear()

    # --- writing ----------------------------------------------------------------------

    def next_number(self, key: str, start: int = 1) -> int:
        sequences = dict(self.company.sequences)
        number = int(sequences.get(key, start))
        sequences[key] = number + 1
        self.company.sequences = sequences
        QboCompany.objects.filter(pk=self.company.pk).update(sequences=sequences)
        return number

    def create(self, entity: str, data: Json, entity_id: str | None = None) -> QboEntity:
        number = self.next_number(entity) if entity_id is None else 0
        row = QboEntity.objects.create(
            company=self.company,
            entity=entity,
            entity_id=entity_id or str(number),
            seq=number,
            sync_token=0,
            created_at=self.now,
            updated_at=self.now,
            data=data,
        )
        self._cache[(entity, row.entity_id)] = row
        self.memo.clear()
        self.changed(row, "Create")
        return row

    def update(self, row: QboEntity, data: Json, operation: str = "Update") -> QboEntity:
        row.data = data
        row.sync_token += 1
        row.updated_at = self.now
        row.save(update_fields=["data", "sync_token", "updated_at"])
        self.memo.clear()
        self.changed(row, operation)
        return row

    def delete(self, row: QboEntity) -> QboEntity:
        row.deleted_at = self.now
        row.sync_token += 1
        row.updated_at = self.now
        row.save(update_fields=["deleted_at", "sync_token", "updated_at"])
        self.memo.clear()
        self.changed(row, "Delete")
        return row

    def changed(self, row: QboEntity, operation: str) -> None:
        self.changes.append(Change(row.entity, row.entity_id, operation, self.now))


def lock(company: QboCompany) -> QboCompany:
    """Take the company's write lock (inside a transaction) and its current sequences."""
    return QboCompany.objects.select_for_update().get(pk=company.pk)
