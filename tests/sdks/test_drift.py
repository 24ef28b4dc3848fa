"""The drift check: committed generated code must be what the schema produces."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scripts import check_sdk_drift

SCRIPT = Path(check_sdk_drift.__file__)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


def _written(schema: dict[str, Any], tmp_path: Path) -> Path:
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(schema))
    return changed


def _run_on(schema: dict[str, Any], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The drift check against ``schema`` (a changed copy of the code's)."""
    return _run("--schema", str(_written(schema, tmp_path)))


def test_the_committed_libraries_match_the_code_s_schema() -> None:
    result = _run()
    assert result.returncode == 0, result.stderr
    assert "match the schema" in result.stdout


@pytest.fixture(scope="module")
def code_schema(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The schema as the code describes it, exported once for this module."""
    return check_sdk_drift.export_schema(tmp_path_factory.mktemp("schema") / "s.json").read_text()


def test_a_schema_with_an_extra_customer_field_fails_naming_the_model_file(
    tmp_path: Path, code_schema: str
) -> None:
    schema = json.loads(code_schema)
    customer = schema["components"]["schemas"]["Customer"]
    customer["properties"]["loyalty_tier"] = {"type": "string", "readOnly": True}
    result = _run_on(schema, tmp_path)

    assert result.returncode == 1
    assert "sdks/python/patchbay_client/generated/models/customer.py" in result.stderr
    assert "models/customer_request.py" not in result.stderr  # only what changed is named


def test_a_removed_operation_names_its_committed_module(tmp_path: Path, code_schema: str) -> None:
    schema = json.loads(code_schema)
    del schema["paths"]["/api/v1/payments/{id}/"]
    result = _run_on(schema, tmp_path)

    assert result.returncode == 1
    assert "generated/api/payments/payments_retrieve.py" in result.stderr


def test_an_extra_customer_field_fails_the_typescript_types_only(
    tmp_path: Path, code_schema: str
) -> None:
    schema = json.loads(code_schema)
    schema["components"]["schemas"]["Customer"]["properties"]["loyalty_tier"] = {
        "type": "string",
        "readOnly": True,
    }
    result = _run_on(schema, tmp_path)

    assert result.returncode == 1
    assert "typescript: generated code differs" in result.stderr
    assert "sdks/typescript/src/schema.d.ts" in result.stderr
    assert "sdks/typescript/src/operations.ts" not in result.stderr  # no operation changed
    assert "sdks/typescript/src/client.ts" not in result.stderr  # hand-written: not compared
    assert "php:" not in result.stderr  # PHP returns arrays: a new field needs no change


def test_a_renamed_operation_fails_typescript_and_php_naming_both_names(
    tmp_path: Path, code_schema: str
) -> None:
    schema = json.loads(code_schema)
    schema["paths"]["/api/v1/quotes/{id}/approve/"]["post"]["operationId"] = "quotes_approve"
    result = _run_on(schema, tmp_path)

    assert result.returncode == 1
    assert "sdks/typescript/src/operations.ts" in result.stderr
    assert "php: the client is out of step with the schema:" in result.stderr
    assert "quotes_approve (POST /quotes/{id}/approve/) has no entry" in result.stderr
    assert "quotes_approve_create is in Client::OPERATIONS but not in the schema" in result.stderr
    assert "edit sdks/php/src/Client.php" in result.stderr


def test_write_replaces_only_typescript_s_generated_files(
    tmp_path: Path, code_schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--write on a copy of src/: the two generated files change, the hand-written stay."""
    source = check_sdk_drift.TYPESCRIPT_SDK / "src"
    copy = tmp_path / "src"
    shutil.copytree(source, copy)
    part = check_sdk_drift.GENERATED["typescript"]
    monkeypatch.setattr(
        check_sdk_drift, "GENERATED", {"typescript": dataclasses.replace(part, committed=copy)}
    )
    schema = json.loads(code_schema)
    del schema["paths"]["/api/v1/payments/{id}/"]
    changed = _written(schema, tmp_path)
    scratch = tmp_path / "scratch"
    scratch.mkdir()

    check_sdk_drift.write(changed, scratch)

    rewritten = {
        path.name
        for path in copy.iterdir()
        if path.read_bytes() != (source / path.name).read_bytes()
    }
    assert rewritten == {"schema.d.ts", "operations.ts"}
    assert "payments_retrieve" not in (copy / "operations.ts").read_text()
    assert sorted(path.name for path in copy.iterdir()) == sorted(
        path.name for path in source.iterdir()
    )
