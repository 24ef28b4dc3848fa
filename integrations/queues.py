"""Celery queues by kind of work, for deployments that scale each kind on its own.

With ``PATCHBAY_QUEUES_BY_KIND`` set (docker-compose.yml sets it), accounting syncs go
to the ``sync`` queue, calendar syncs and checks to ``calendars``, webhook deliveries
to ``webhooks``, and the housekeeping beat tasks stay on Celery's default queue. Each
queue has its own worker service, so a burst of webhook deliveries never queues behind
a thousand ledger syncs, and each service is scaled by ``--scale`` to its own load.
Unset (development, tests), every task stays on the default queue that one worker
reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from integrations.registry import Category, get_integration

DEFAULT = "celery"
SYNC = "sync"
CALENDARS = "calendars"
WEBHOOKS = "webhooks"
ALL = (DEFAULT, SYNC, CALENDARS, WEBHOOKS)

# Tasks whose first argument is a connection id (or a list of them): their queue is
# that connection's kind.
CONNECTION_TASKS = frozenset(
    {
        "accounting.tasks.sync_connection",
        "integrations.syncs.sync_connections",
    }
)
# The rest, by the module that defines them.
BY_PREFIX = (
    ("webhooks.", WEBHOOKS),
    ("calendars.", CALENDARS),
    ("accounting.", SYNC),
    ("integrations.provider_webhooks.", SYNC),
)
_BY_CATEGORY = {Category.ACCOUNTING: SYNC, Category.CALENDARS: CALENDARS}


def queue_for_provider(slug: str) -> str:
    entry = get_integration(slug)
    return _BY_CATEGORY.get(entry.category, DEFAULT) if entry else DEFAULT


# A connection's provider never changes and ids are never reused, so a queue once
# looked up is kept for the life of the process (bounded: cleared when full).
_KNOWN: dict[int, str] = {}
_KNOWN_MAX = 200_000


def _queues_for_connections(connection_ids: Sequence[int]) -> dict[int, str]:
    """Each connection's queue; one query for those not yet known, none for the rest."""
    from integrations.models import Connection

    missing = [pk for pk in connection_ids if pk not in _KNOWN]
    if missing:
        if len(_KNOWN) + len(missing) > _KNOWN_MAX:
            _KNOWN.clear()
        rows = Connection.objects.filter(pk__in=missing).values_list("pk", "provider")
        _KNOWN.update((pk, queue_for_provider(slug)) for pk, slug in rows)
    return {pk: _KNOWN.get(pk, DEFAULT) for pk in connection_ids}


def _first_connection_id(args: Sequence[Any]) -> int | None:
    if not args:
        return None
    first = args[0]
    if isinstance(first, list):
        # A batch from the dispatcher holds connections of one kind (batches_by_kind).
        first = first[0] if first else None
    return first if isinstance(first, int) else None


def route(
    name: str, args: Sequence[Any], kwargs: dict[str, Any], options: dict[str, Any], **_: Any
) -> dict[str, str] | None:
    """A Celery router (CELERY_TASK_ROUTES): the queue of one task message."""
    if name in CONNECTION_TASKS:
        connection_id = _first_connection_id(args) or kwargs.get("connection_id")
        if not connection_id:
            return {"queue": DEFAULT}
        return {"queue": _queues_for_connections([connection_id])[connection_id]}
    for prefix, queue in BY_PREFIX:
        if name.startswith(prefix):
            return {"queue": queue}
    return None


def group_by_queue(connection_ids: list[int]) -> list[list[int]]:
    """The dispatcher's due connections split by queue, order kept within each, so
    that a batch message holds one kind. One list while queues are not split."""
    from django.conf import settings

    if not settings.QUEUES_BY_KIND or not connection_ids:
        return [connection_ids] if connection_ids else []
    known = _queues_for_connections(connection_ids)
    groups: dict[str, list[int]] = {}
    for connection_id in connection_ids:
        groups.setdefault(known[connection_id], []).append(connection_id)
    return list(groups.values())
