"""Xero's official OpenAPI files, read in place from settings.SPECS_DIR and parsed once."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml's loader reads the 25,000-line accounting spec in a fraction of a second
    from yaml import CSafeLoader as SpecLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as SpecLoader  # type: ignore[assignment]


@functools.cache
def load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.load(handle, Loader=SpecLoader)
    return spec
