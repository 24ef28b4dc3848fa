"""Intuit's XSD, read in place from settings.SPECS_DIR / "quickbooks" and parsed once.

IntuitRestServiceDef.xsd includes a Report.xsd that Intuit's SDK does not ship with the
others, so the schema is loaded in lax mode: every type the sandbox uses still resolves.
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path
from typing import Any

import xmlschema

ROOT = "IntuitRestServiceDef.xsd"


@functools.cache
def load(folder: Path) -> xmlschema.XMLSchema:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return xmlschema.XMLSchema(str(folder / ROOT), validation="lax")


def type_of(schema: xmlschema.XMLSchema, name: str) -> Any:
    element = schema.elements.get(name)
    return element.type if element is not None else schema.types[name]


def children(xsd_type: Any) -> dict[str, Any]:
    """Child elements by JSON name (a substitution group's members stand for its head)."""
    found: dict[str, Any] = {}
    if not xsd_type.is_complex() or xsd_type.has_simple_content():
        return found
    for element in xsd_type.content.iter_elements():
        found[element.local_name] = element
        for substitute in element.iter_substitutes():
            found[substitute.local_name] = substitute
    return found


def attributes(xsd_type: Any) -> set[str]:
    return set(xsd_type.attributes) if xsd_type.is_complex() else set()


def unknown_names(schema: xmlschema.XMLSchema, type_name: str, value: Any) -> list[str]:
    """JSON property paths in `value` that the XSD type does not define."""
    return _walk(type_of(schema, type_name), value, type_name)


def _walk(xsd_type: Any, value: Any, path: str) -> list[str]:
    if isinstance(value, list):
        return [problem for item in value for problem in _walk(xsd_type, item, path)]
    if not isinstance(value, dict):
        return []
    if not xsd_type.is_complex():
        return [f"{path} (a simple type holding an object)"]
    allowed_attributes = attributes(xsd_type)
    if xsd_type.has_simple_content():
        allowed_attributes.add("value")  # the element's text
    elements = children(xsd_type)
    problems: list[str] = []
    for key, inner in value.items():
        if key in allowed_attributes:
            continue
        element = elements.get(key)
        if element is None:
            problems.append(f"{path}.{key}")
        else:
            problems += _walk(element.type, inner, f"{path}.{key}")
    return problems
