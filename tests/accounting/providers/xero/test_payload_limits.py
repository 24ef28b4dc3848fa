"""What Patchbay sends Xero fits Xero's own limits: every string in a contact, item and
invoice payload, built from records as long as Patchbay lets them be, is within the
maxLength the official spec gives its field (read from SPECS_DIR)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from accounting.engine.adapter import Mappings
from accounting.providers.xero import mapping
from operations.models import Customer, DocumentLine, EquipmentItem
from tests import factories
from tests.conftest import Tenants
from tests.sandbox.specs import load

# Xero's payloads (Contact, Item, Invoice) by their schema in the spec.
SCHEMAS = {"contact": "Contact", "item": "Item", "invoice": "Invoice"}


def _schema(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = spec["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def too_long(spec: dict[str, Any], schema: dict[str, Any], value: Any, path: str) -> list[str]:
    """Every string in `value` longer than its field's maxLength, as `path (length > max)`."""
    schema = _schema(spec, schema)
    if isinstance(value, dict):
        fields = schema.get("properties", {})
        return [
            problem
            for name, inner in value.items()
            if name in fields
            for problem in too_long(spec, fields[name], inner, f"{path}.{name}")
        ]
    if isinstance(value, list):
        items = schema.get("items", {})
        return [p for n, v in enumerate(value) for p in too_long(spec, items, v, f"{path}[{n}]")]
    limit = schema.get("maxLength")
    if isinstance(value, str) and limit is not None and len(value) > limit:
        return [f"{path} ({len(value)} > {limit})"]
    return []


def longest(model: type[Any], field: str) -> str:
    """As long as Patchbay's own field lets it be; 20,000 characters for a text field."""
    size = model._meta.get_field(field).max_length or 20_000
    return "x" * size


@pytest.fixture
def spec(specs_dir: Path) -> dict[str, Any]:
    return load(specs_dir / "xero" / "xero_accounting.yaml")


def test_every_payload_string_is_within_the_specs_max_length(
    spec: dict[str, Any], tenants: Tenants
) -> None:
    customer = factories.make_customer(
        tenants.alpha,
        longest(Customer, "name"),
        email=f"{'a' * 60}@{'b' * 60}.example",
        tax_number=longest(Customer, "tax_number"),
    )
    item = factories.make_item(tenants.alpha)
    item.name = longest(EquipmentItem, "name")
    item.sku = longest(EquipmentItem, "sku")
    item.description = longest(EquipmentItem, "description")
    invoice = factories.make_issued_invoice(tenants.alpha, customer)
    invoice.lines.update(description=longest(DocumentLine, "description"))
    mappings = Mappings(income={}, tax={}, payment_account="090")

    payloads = {
        "contact": mapping.contact(customer),
        "item": mapping.item(item),
        "invoice": mapping.invoice(invoice, mappings, "contact-id"),
    }

    for name, payload in payloads.items():
        schema = {"$ref": f"#/components/schemas/{SCHEMAS[name]}"}
        assert too_long(spec, schema, payload, name) == []


def test_the_check_finds_a_string_over_its_limit(spec: dict[str, Any]) -> None:
    item = {"Code": "c" * 31, "Name": "ok", "Description": "d" * 4001}
    schema = {"$ref": "#/components/schemas/Item"}
    assert too_long(spec, schema, item, "item") == [
        "item.Code (31 > 30)",
        "item.Description (4001 > 4000)",
    ]
