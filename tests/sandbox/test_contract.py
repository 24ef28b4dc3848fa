"""Holds the sandbox's responses against Xero's official OpenAPI specs.

The specs are third-party files read in place (settings.SPECS_DIR), never copied.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from sandbox.xero.scopes import ORGANISATION_READ
from sandbox.xero.seed import DEMO_COMPANY_UK, KIWI_GEAR_HIRE, OTHER_USER
from tests.sandbox import flow
from tests.sandbox.specs import load

# RFC 3339 date-time, except that the offset is optional: Xero's identity API sends
# UTC without one, as the spec's own example shows ("2019-12-07T18:46:19.5165400").
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
JSON_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "integer": int,
    "boolean": bool,
    "number": (int, float),
    "array": list,
    "object": dict,
}


@pytest.fixture(scope="session")
def identity_spec(specs_dir: Path) -> dict[str, Any]:
    return load(specs_dir / "xero" / "xero-identity.yaml")


@pytest.fixture(scope="session")
def accounting_spec(specs_dir: Path) -> dict[str, Any]:
    return load(specs_dir / "xero" / "xero_accounting.yaml")


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    reference = schema.get("$ref")
    if reference is None:
        return schema
    target: Any = spec
    for part in reference.removeprefix("#/").split("/"):
        target = target[part]
    return {**target, **{k: v for k, v in schema.items() if k != "$ref"}}


def problems_with(value: Any, schema: dict[str, Any], where: str) -> list[str]:
    found = []
    expected = JSON_TYPES.get(schema.get("type", ""), object)
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        found.append(f"{where}: {value!r} is not {schema.get('type')}")
    if schema.get("format") == "uuid" and not _is_uuid(value):
        found.append(f"{where}: {value!r} is not a uuid")
    if schema.get("format") == "date-time" and not _is_date_time(value):
        found.append(f"{where}: {value!r} is not a date-time")
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} is not one of the spec's values")
    return found


def check_object(spec: dict[str, Any], item: dict[str, Any], schema_name: str) -> list[str]:
    declared = spec["components"]["schemas"][schema_name]["properties"]
    found = [f"{schema_name}.{key} is not in the spec" for key in item if key not in declared]
    for key, value in item.items():
        if key in declared:
            schema = resolve(spec, declared[key])
            found += problems_with(value, schema, f"{schema_name}.{key}")
    return found


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _is_date_time(value: Any) -> bool:
    if not isinstance(value, str) or not DATE_TIME.match(value):
        return False
    datetime.fromisoformat(value)
    return True


def test_connections_match_the_connection_schema(app: Client, identity_spec) -> None:
    flow.tokens(app, email=OTHER_USER, tenant_ids=[KIWI_GEAR_HIRE])
    body = flow.tokens(app)
    items = flow.api_get(app, flow.CONNECTIONS, body["access_token"]).json()
    declared = identity_spec["components"]["schemas"]["Connection"]["properties"]
    assert items
    for item in items:
        assert check_object(identity_spec, item, "Connection") == []
        assert set(item) == set(declared), "every declared Connection property is returned"


def test_connections_operations_and_filter_are_the_specs(app: Client, identity_spec) -> None:
    # The spec spells the path /Connections; api.xero.com answers at /connections.
    listing = identity_spec["paths"]["/Connections"]["get"]
    assert [p["name"] for p in listing["parameters"]] == ["authEventId"]
    deleting = identity_spec["paths"]["/Connections/{id}"]["delete"]
    body = flow.tokens(app)
    target = flow.api_get(app, flow.CONNECTIONS, body["access_token"]).json()[0]["id"]
    headers = flow.bearer(body["access_token"])
    gone = app.delete(f"{flow.CONNECTIONS}/{target}", headers=headers).status_code
    missing = app.delete(f"{flow.CONNECTIONS}/{target}", headers=headers).status_code
    assert {str(gone), str(missing)} == set(deleting["responses"])


def test_token_response_fields_are_the_access_token_schema(app: Client, identity_spec) -> None:
    schema = identity_spec["components"]["schemas"]["AccessToken"]["properties"]
    first = flow.tokens(app)
    refreshed = flow.refresh(app, first["refresh_token"]).json()
    for body in (first, refreshed):
        assert set(body) == set(schema) | {"scope"}
        for key, value in body.items():
            if key in schema:
                assert problems_with(value, schema[key], f"AccessToken.{key}") == []
        assert isinstance(body["scope"], str)


def test_refresh_request_fields_are_the_refresh_token_schema(app: Client, identity_spec) -> None:
    schema = identity_spec["components"]["schemas"]["RefreshToken"]["properties"]
    first = flow.tokens(app)
    form = {
        "grant_type": "refresh_token",
        "refresh_token": first["refresh_token"],
        "client_id": settings.XERO_CLIENT_ID,
        "client_secret": settings.XERO_CLIENT_SECRET,
    }
    assert set(form) == set(schema)
    assert flow.post_token(app, dict(form), authorization=None).status_code == 200


def test_organisation_matches_the_accounting_spec(app: Client, accounting_spec) -> None:
    envelope_schema = accounting_spec["components"]["schemas"]["Organisations"]["properties"]
    for tenant_ids, email in (([DEMO_COMPANY_UK], None), ([KIWI_GEAR_HIRE], OTHER_USER)):
        extra = {"email": email} if email else {}
        body = flow.tokens(app, tenant_ids=tenant_ids, **extra)
        response = flow.api_get(app, flow.ORGANISATION, body["access_token"], tenant_ids[0])
        envelope = response.json()
        assert "Organisations" in envelope_schema
        for organisation in envelope["Organisations"]:
            assert check_object(accounting_spec, organisation, "Organisation") == []


def test_organisation_endpoint_needs_the_scopes_the_spec_names(accounting_spec) -> None:
    security = accounting_spec["paths"]["/Organisation"]["get"]["security"][0]["OAuth2"]
    assert set(security) == ORGANISATION_READ
