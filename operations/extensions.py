"""What the layers above operations (accounting, calendars, the website) add to its pages
and its demo without operations importing them: a panel on a record's page, a filter on a
list, and a step of the demo data. Each kind registers its own in its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from tenancy.models import Organisation


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
# A kind's part of the demo: given the demo organisation once its records exist.
DemoSeed = Callable[[Organisation], None]

_panels: dict[type[Model], list[PanelSource]] = {}
_filters: dict[type[Model], list[ListFilter]] = {}
_demo_seeds: list[DemoSeed] = []


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


def add_demo_seed(seed: DemoSeed) -> None:
    if seed not in _demo_seeds:
        _demo_seeds.append(seed)


def demo_seeds() -> list[DemoSeed]:
    return list(_demo_seeds)


# A word a kind has about each of a list's records (e.g. why an approved timesheet is
# not in the ledger yet), by record id; read from the database only, never a provider.
RecordNotes = Callable[[HttpRequest, Sequence[Model]], dict[int, str]]
_record_notes: dict[type[Model], list[RecordNotes]] = {}


def add_record_notes(model: type[Model], source: RecordNotes) -> None:
    if source not in _record_notes.setdefault(model, []):
        _record_notes[model].append(source)


def record_notes(
    request: HttpRequest, model: type[Model], records: Sequence[Model]
) -> dict[int, str]:
    notes: dict[int, str] = {}
    for source in _record_notes.get(model, []):
        for pk, note in source(request, records).items():
            notes[pk] = f"{notes[pk]} {note}" if pk in notes else note
    return notes
