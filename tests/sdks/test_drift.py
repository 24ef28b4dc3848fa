"""The drift check: committed generated code must be what the schema produces."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import check_sdk_drift

SCRIPT = Path(check_sdk_drift.__file__)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=False
    )


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
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(schema))

    result = _run("--schema", str(changed))

    assert result.returncode == 1
    assert "sdks/python/patchbay_client/generated/models/customer.py" in result.stderr
    assert "models/customer_request.py" not in result.stderr  # only what changed is named


def test_a_removed_operation_names_its_committed_module(tmp_path: Path, code_schema: str) -> None:
    schema = json.loads(code_schema)
    del schema["paths"]["/api/v1/payments/{id}/"]
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(schema))

    result = _run("--schema", str(changed))

    assert result.returncode == 1
    assert "generated/api/payments/payments_retrieve.py" in result.stderr
