"""Scopes: per module, none / read / write; write implies read.

Safe methods need read, everything else needs write. Keys store a full map so a
module added later is "none" for old keys until someone grants it.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class Module(StrEnum):
    CUSTOMERS = "customers"
    EQUIPMENT = "equipment"
    PROJECTS = "projects"
    QUOTES = "quotes"
    INVOICES = "invoices"
    PAYMENTS = "payments"
    WEBHOOKS = "webhooks"


class Level(models.TextChoices):
    NONE = "none", "No access"
    READ = "read", "Read"
    WRITE = "write", "Read and write"


class Preset(models.TextChoices):
    READ_ONLY = "read_only", "Read-only (every module)"
    READ_WRITE = "read_write", "Read-write (every module)"
    CUSTOM = "custom", "Choose per module"


MODULE_LABELS: dict[Module, str] = {
    Module.CUSTOMERS: "Customers",
    Module.EQUIPMENT: "Equipment and availability",
    Module.PROJECTS: "Projects",
    Module.QUOTES: "Quotes",
    Module.INVOICES: "Invoices and credit notes",
    Module.PAYMENTS: "Payments",
    Module.WEBHOOKS: "Webhooks",
}

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_RANK = {Level.NONE: 0, Level.READ: 1, Level.WRITE: 2}

Scopes = dict[str, str]


def preset(choice: str) -> Scopes:
    level = Level.WRITE if choice == Preset.READ_WRITE else Level.READ
    return {module.value: level.value for module in Module}


def level_of(scopes: Scopes, module: Module) -> Level:
    try:
        return Level(scopes.get(module.value, Level.NONE))
    except ValueError:  # a stored value from a future format: grant nothing
        return Level.NONE


def needed_level(method: str) -> Level:
    return Level.READ if method.upper() in SAFE_METHODS else Level.WRITE


def allows(scopes: Scopes, module: Module, needed: Level) -> bool:
    return _RANK[level_of(scopes, module)] >= _RANK[needed]


def scope_name(module: Module, level: Level) -> str:
    return f"{module.value}:{level.value}"


def describe(scopes: Scopes) -> str:
    """A short label for lists: a preset's name, else the granted modules."""
    levels = {level_of(scopes, module) for module in Module}
    if levels == {Level.WRITE}:
        return "Read-write"
    if levels == {Level.READ}:
        return "Read-only"
    granted = [
        scope_name(module, level_of(scopes, module))
        for module in Module
        if level_of(scopes, module) != Level.NONE
    ]
    return ", ".join(granted) or "No access"
