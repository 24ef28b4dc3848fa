"""Change Data Capture: GET /cdc?entities=Invoice,Customer&changedSince=<ISO date-time>.

"CDC operations can track changes within the last 30 days. Server responses can handle a
maximum of 1,000 objects." The cap covers all requested entities together and there is no
paging: the sandbox returns the 1,000 oldest changes (by LastUpdatedTime), so a full answer
is not a safe checkpoint. Deleted objects come as `status: "Deleted"` stubs; inactive
name-list entities are included (they changed).
https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/change-data-capture
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from sandbox.quickbooks import clock, conf, errors, render
from sandbox.quickbooks.entities.registry import BY_LOWER, Kind
from sandbox.quickbooks.models import QboEntity
from sandbox.quickbooks.store import Books

Json = dict[str, Any]


def run(books: Books, entities: str, changed_since: str) -> list[Json]:
    """The CDCResponse list for one request."""
    kinds = _kinds(entities)
    if not changed_since:
        raise errors.required("changedSince")
    since = clock.parse_moment(changed_since)
    if since is None:
        raise errors.invalid(
            "2010", f"changedSince {changed_since!r} is not a date-time", "changedSince"
        )
    oldest = timezone.now() - timedelta(days=conf.seconds("CDC_MAX_DAYS"))
    if since < oldest:
        raise errors.invalid(
            "2010",
            f"changedSince cannot be more than {conf.seconds('CDC_MAX_DAYS')} days in the past",
            "changedSince",
        )
    changed = _changed(books, kinds, since)
    responses = []
    for kind in kinds:
        rows = [row for row in changed if row.entity == kind.name]
        rendered = [render.entity(books, row) for row in rows]
        block: Json = {"startPosition": 1, "maxResults": len(rendered), "totalCount": len(rendered)}
        if rendered:
            block = {kind.name: rendered} | block
        responses.append(block)
    return [{"QueryResponse": responses}]


def _kinds(entities: str) -> list[Kind]:
    names = [name.strip() for name in entities.split(",") if name.strip()]
    if not names:
        raise errors.required("entities")
    kinds = []
    for name in names:
        kind = BY_LOWER.get(name.lower())
        if kind is None:
            raise errors.invalid("2010", f"Entity {name} is not supported by CDC", "entities")
        kinds.append(kind)
    return kinds


def _changed(books: Books, kinds: list[Kind], since: Any) -> list[QboEntity]:
    rows = QboEntity.objects.filter(
        company=books.company, entity__in=[kind.name for kind in kinds], updated_at__gte=since
    ).order_by("updated_at", "pk")
    return list(rows[: conf.seconds("CDC_MAX_OBJECTS")])
