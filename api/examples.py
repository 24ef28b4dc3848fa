"""Example values built from the OpenAPI schema, for the docs page's requests and responses."""

from __future__ import annotations

from typing import Any

FORMATS = {
    "date": "2026-03-14",
    "date-time": "2026-03-14T09:30:00Z",
    "email": "accounts@riverside.example",
    "decimal": "120.00",
    "uri": "https://hooks.example.com/patchbay",
}
NAMED = {
    "name": "Riverside Arts Festival",
    "currency": "GBP",
    "number": "INV-0042",
    "description": "Moving head, 3 days",
    "venue": "Town hall",
    "detail": "Some fields are not valid: see errors.",
    "title": "Invalid request",
    "type": "/api/v1/docs/#problem-invalid-fields",
    "url": "https://hooks.example.com/patchbay",
}


def example(schema: dict[str, Any], components: dict[str, Any], name: str = "") -> Any:
    """A plausible value for ``schema``; ``name`` is the property it sits in."""
    if "$ref" in schema:
        return example(components[schema["$ref"].rsplit("/", 1)[-1]], components, name)
    if "allOf" in schema:
        return example(schema["allOf"][0], components, name)
    if "oneOf" in schema:
        return example(schema["oneOf"][0], components, name)
    if "enum" in schema:
        return next((value for value in schema["enum"] if value), None)
    kind = schema.get("type", "object")
    if kind == "array":
        return [example(schema.get("items", {}), components, name)]
    if kind == "object":
        properties = schema.get("properties", {})
        return {key: example(value, components, key) for key, value in properties.items()}
    return _scalar(kind, schema, name)


def _scalar(kind: str, schema: dict[str, Any], name: str) -> Any:
    if kind == "integer":
        return 200 if name == "status" else 42
    if kind == "number":
        return 20.0
    if kind == "boolean":
        return True
    if schema.get("format") in FORMATS:
        return FORMATS[schema["format"]]
    if schema.get("pattern") == "^-?\\d{0,12}(?:\\.\\d{0,2})?$":
        return "120.00"
    return NAMED.get(name, "string")
