"""The cached copy of each connection's employees and vendors, which the crew mapping
page offers (accounting.choice_cache: pages read it, the task
accounting.tasks.refresh_crew_choices fetches it)."""

from __future__ import annotations

from accounting import choice_cache
from accounting.engine.adapter import RemoteChoice
from accounting.engine.sync import adapter_for
from accounting.models import CrewChoices
from integrations.models import Connection

TASK = "refresh_crew_choices"
is_refreshing = choice_cache.is_refreshing


def cached(connection: Connection) -> CrewChoices | None:
    return choice_cache.cached(CrewChoices, connection)


def people(row: CrewChoices | None) -> list[RemoteChoice]:
    return choice_cache.options(row, "people")


def request_refresh(connection: Connection) -> CrewChoices:
    return choice_cache.request_refresh(CrewChoices, connection, TASK)


def fresh_or_requested(connection: Connection) -> CrewChoices:
    return choice_cache.fresh_or_requested(CrewChoices, connection, TASK)


def fetch(connection: Connection) -> CrewChoices:
    """Worker side: read the employees and vendors and keep them."""

    def read() -> dict[str, object]:
        return {"people": choice_cache.serialised(adapter_for(connection, None).crew())}

    return choice_cache.store(CrewChoices, connection, read)
