"""What the layers above operations (accounting, calendars) add to its pages without
operations importing them: a panel on a record's page and a filter on a list. Each kind
registers its own in its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    """A section of a record's page: a template and what it needs."""

    template: str
    context: dict[str, Any]


@dataclass(frozen=True)
class ListFilter:
    """One more way to narrow a list: a query parameter, its choices, and how to apply a
    valid choice to the list's rows (scoped to the organisation already)."""

    name: str
    label: str
    choices: Sequence[tuple[str, str]]
    apply: Callable[[QuerySet[Any], int, str], QuerySet[Any]]


PanelSource = Callable[[HttpRequest, Model], Panel | None]

_panels: dict[type[Model], list[PanelSource]] = {}
_filters: dict[type[Model], list[ListFilter]] = {}


def add_panel(model: type[Model], source: PanelSource) -> None:
    if source not in _panels.setdefault(model, []):
        _panels[model].append(source)


def add_list_filter(model: type[Model], list_filter: ListFilter) -> None:
    known = _filters.setdefault(model, [])
    if all(existing.name != list_filter.name for existing in known):
        known.append(list_filter)


def panels_for(request: HttpRequest, record: Model) -> list[Panel]:
    found = (source(request, record) for source in _panels.get(type(record), []))
    return [panel for panel in found if panel is not None]


def list_filters(model: type[Model]) -> list[ListFilter]:
    return list(_filters.get(model, []))
