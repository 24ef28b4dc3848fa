#!/usr/bin/env python3
"""Fails when a client library's generated code is not what the API's schema produces.

Each library keeps its generated part in git. This script exports the REST API's
OpenAPI schema from the code (drf-spectacular, no server needed), regenerates every
library's generated part from it into a temporary folder, and compares file by file.
Any difference (a changed, missing or extra file) is named and the exit status is 1:
a schema change cannot land without the libraries regenerated beside it.

Usage:
  scripts/check_sdk_drift.py                  check against the code's schema
  scripts/check_sdk_drift.py --schema X.json  check against another schema (tests use it)
  scripts/check_sdk_drift.py --write          regenerate the committed code in place

One function per language (CHECKS): the Python one runs openapi-python-client; others
(TypeScript's `npm run generate`, PHP's operations list) join the table the same way.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON_SDK = ROOT / "sdks" / "python"
PYTHON_GENERATED = PYTHON_SDK / "patchbay_client" / "generated"
PYTHON_CONFIG = PYTHON_SDK / "openapi-python-client.yaml"
BIN = Path(sys.executable).parent  # the project's .venv/bin: the pinned generator and ruff

# A language's check: (schema file, scratch folder) -> the generated tree to compare,
# and the committed tree it must equal.
Generator = Callable[[Path, Path], Path]
IGNORED = {"__pycache__", ".ruff_cache"}  # caches, never committed


def export_schema(target: Path) -> Path:
    """The REST API's schema as the running code describes it (what /api/v1/schema/ serves)."""
    env = {**os.environ, "PATCHBAY_ENV": os.environ.get("PATCHBAY_ENV", "test")}
    # Exporting reads no rows, but settings need some database URL to load.
    env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/patchbay")
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "spectacular",
            "--format",
            "openapi-json",
            "--file",
            str(target),
        ],
        env=env,
        check=True,
        cwd=ROOT,
    )
    return target


def generate_python(schema: Path, scratch: Path) -> Path:
    """openapi-python-client, pinned in uv.lock; its post hooks format with the pinned ruff."""
    out = scratch / "python"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(schema),
            "--output-path",
            str(out),
            "--meta",
            "none",
            "--config",
            str(PYTHON_CONFIG),
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return out


CHECKS: dict[str, tuple[Generator, Path]] = {
    "python": (generate_python, PYTHON_GENERATED),
}


def _files(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and not IGNORED.intersection(path.parts)
    }


def differences(generated: Path, committed: Path) -> list[str]:
    """Paths (relative to the repository) whose committed copy is not the generated one."""
    fresh, kept = _files(generated), _files(committed)
    changed = [
        name
        for name in sorted(fresh | kept)
        if name not in fresh
        or name not in kept
        or not filecmp.cmp(generated / name, committed / name, shallow=False)
    ]
    return [str((committed / name).relative_to(ROOT)) for name in changed]


def check(schema: Path, scratch: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for language, (generate, committed) in CHECKS.items():
        found[language] = differences(generate(schema, scratch), committed)
    return found


def write(schema: Path, scratch: Path) -> None:
    for language, (generate, committed) in CHECKS.items():
        fresh = generate(schema, scratch)
        shutil.rmtree(committed, ignore_errors=True)
        shutil.copytree(fresh, committed, ignore=shutil.ignore_patterns(*IGNORED))
        print(f"{language}: regenerated {committed.relative_to(ROOT)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schema", type=Path, help="a schema file instead of the code's")
    parser.add_argument("--write", action="store_true", help="regenerate the committed code")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sdk-drift-") as folder:
        scratch = Path(folder)
        schema = args.schema or export_schema(scratch / "schema.json")
        json.loads(schema.read_text())  # a broken schema file fails here, clearly
        if args.write:
            write(schema, scratch)
            return 0
        drift = {language: paths for language, paths in check(schema, scratch).items() if paths}
    if not drift:
        print(f"Client libraries match the schema ({', '.join(CHECKS)}).")
        return 0
    for language, paths in drift.items():
        print(f"{language}: generated code differs from the schema in:", file=sys.stderr)
        for path in paths:
            print(f"  {path}", file=sys.stderr)
    print(
        "Regenerate with `.venv/bin/python scripts/check_sdk_drift.py --write` "
        "and commit the result with the schema change.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
