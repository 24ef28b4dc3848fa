"""The ``data`` of each event: the same representation the REST API gives the record."""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from operations import representations


def data_for(instance: Model, **extra: Any) -> dict[str, Any]:
    return {**representations.of(instance), **extra}
