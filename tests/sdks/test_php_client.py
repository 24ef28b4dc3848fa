"""The PHP client's own suite (php tests/run.php) against a live Patchbay API, and its
comparison with the OpenAPI schema on its own (the drift check's PHP part)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from django.core.management import call_command

from tests.sdks.runner import ROOT, run_suite

LIBRARY = ROOT / "sdks" / "php"
SCHEMA_CHECK = ["php", "tests/run.php", "--filter=every schema operation"]


def test_the_php_client_passes_its_suite_against_the_live_api(
    live_api_env: dict[str, str],
) -> None:
    output = run_suite(["php", "tests/run.php"], live_api_env, LIBRARY)
    assert "# fail 0" in output


def _schema(folder: Path) -> tuple[Path, dict[str, object]]:
    path = folder / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(path))
    return path, json.loads(path.read_text())


def test_the_schema_check_passes_on_the_current_schema(tmp_path: Path) -> None:
    path, _ = _schema(tmp_path)
    output = run_suite(SCHEMA_CHECK, {"PATCHBAY_SCHEMA": str(path)}, LIBRARY)
    assert "# pass 1" in output


def test_the_schema_check_fails_naming_what_a_changed_schema_lacks(tmp_path: Path) -> None:
    path, document = _schema(tmp_path)
    paths: dict[str, dict[str, dict[str, object]]] = document["paths"]  # type: ignore[assignment]
    paths["/api/v1/quotes/{id}/approve/"]["post"]["operationId"] = "quotes_approve"
    path.write_text(json.dumps(document))
    completed = subprocess.run(  # a fixed command of this repository
        SCHEMA_CHECK,
        cwd=LIBRARY,
        env={**os.environ, "PATCHBAY_SCHEMA": str(path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "quotes_approve (POST /quotes/{id}/approve/) has no entry" in completed.stdout
    assert "quotes_approve_create is in Client::OPERATIONS but not in the schema" in (
        completed.stdout
    )
