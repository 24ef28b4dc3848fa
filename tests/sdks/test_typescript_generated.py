"""The TypeScript client's generated files are what the current schema produces."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management import call_command

from tests.sdks.runner import ROOT, ensure_node_modules, run_suite

PACKAGE = ROOT / "sdks" / "typescript"
GENERATED = ("schema.d.ts", "operations.ts")


def _generate(schema: Path, folder: Path) -> dict[str, str]:
    folder.mkdir()
    run_suite(["node", "scripts/generate.mjs", str(schema), str(folder)], {}, PACKAGE)
    return {name: (folder / name).read_text() for name in GENERATED}


def test_the_committed_types_and_operations_match_the_schema(tmp_path: Path) -> None:
    ensure_node_modules(PACKAGE)
    schema = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(schema))
    generated = _generate(schema, tmp_path / "out")
    committed = {name: (PACKAGE / "src" / name).read_text() for name in GENERATED}
    assert generated == committed, "Run: npm run generate -- schema.json in sdks/typescript"


def test_a_new_operation_in_the_schema_changes_what_is_generated(tmp_path: Path) -> None:
    ensure_node_modules(PACKAGE)
    schema = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(schema))
    document = json.loads(schema.read_text())
    retrieve = document["paths"]["/api/v1/customers/{id}/"]["get"]
    document["paths"]["/api/v1/customers/{id}/"]["delete"] = {
        **retrieve,
        "operationId": "customers_destroy",
        "x-required-scope": "customers:write",
    }
    schema.write_text(json.dumps(document))
    generated = _generate(schema, tmp_path / "out")
    assert (
        'customers_destroy: { method: "DELETE", path: "/customers/{id}/", '
        'scope: "customers:write", paged: false, updatedSince: false },'
    ) in generated["operations.ts"]
    assert 'delete: operations["customers_destroy"];' in generated["schema.d.ts"]
