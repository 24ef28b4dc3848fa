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

The three libraries are kept in step in two ways:

- generated code (GENERATED): Python's whole `generated/` package (openapi-python-client)
  and TypeScript's src/schema.d.ts and src/operations.ts (the package's own
  scripts/generate.mjs, pinned in its package-lock.json). Only those files are compared
  and only they are replaced by --write; the hand-written rest is never touched.
- a written library (CONFORMANCE): PHP's client is hand-written, so its own schema test
  (`php tests/run.php --filter="every schema operation"`) is run against the schema and
  each mismatch it reports is named. --write cannot fix those: the client is edited.
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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON_SDK = ROOT / "sdks" / "python"
PYTHON_GENERATED = PYTHON_SDK / "patchbay_client" / "generated"
PYTHON_CONFIG = PYTHON_SDK / "openapi-python-client.yaml"
TYPESCRIPT_SDK = ROOT / "sdks" / "typescript"
TYPESCRIPT_GENERATED = ("schema.d.ts", "operations.ts")  # in src/; the rest is hand-written
PHP_SDK = ROOT / "sdks" / "php"
PHP_SCHEMA_TEST = "every schema operation"
BIN = Path(sys.executable).parent  # the project's .venv/bin: the pinned generator and ruff

# (schema file, scratch folder) -> the folder the generator wrote into.
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


def generate_typescript(schema: Path, scratch: Path) -> Path:
    """The package's committed generator (openapi-typescript, pinned by package-lock.json)."""
    out = scratch / "typescript"
    out.mkdir()
    if shutil.which("node") is None or shutil.which("npm") is None:  # CI runs this first
        subprocess.run([str(ROOT / "scripts" / "ensure_node.sh")], check=True)
    if not (TYPESCRIPT_SDK / "node_modules").is_dir():  # a fresh clone: install the pins
        _run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], TYPESCRIPT_SDK)
    _run(["node", "scripts/generate.mjs", str(schema), str(out)], TYPESCRIPT_SDK)
    return out


def php_differences(schema: Path) -> list[str]:
    """What the PHP client's schema test finds out of step (empty: in step)."""
    completed = _run(
        ["php", "tests/run.php", f"--filter={PHP_SCHEMA_TEST}"],
        PHP_SDK,
        env={"PATCHBAY_SCHEMA": str(schema)},
        check=False,
    )
    if completed.returncode == 0 and "# pass 1" in completed.stdout:
        return []
    # The test lists each mismatch as "  - …"; anything else (PHP missing, a crash) whole.
    found = [line.strip()[2:] for line in completed.stdout.splitlines() if line.startswith("  - ")]
    return found or [(completed.stdout + completed.stderr).strip() or "the PHP check failed"]


def _run(
    command: list[str], cwd: Path, env: dict[str, str] | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    if shutil.which(command[0]) is None:
        raise SystemExit(f"{command[0]} is not installed: the drift check needs it.")
    completed = subprocess.run(  # fixed commands of this repository
        command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if check and completed.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{completed.stdout}{completed.stderr}")
    return completed


@dataclass(frozen=True)
class Generated:
    """A library's generated part: what writes it and where it is committed."""

    generate: Generator
    committed: Path
    only: tuple[str, ...] = ()  # just these files of `committed`; empty: the whole folder


GENERATED: dict[str, Generated] = {
    "python": Generated(generate_python, PYTHON_GENERATED),
    "typescript": Generated(generate_typescript, TYPESCRIPT_SDK / "src", TYPESCRIPT_GENERATED),
}
CONFORMANCE: dict[str, Callable[[Path], list[str]]] = {"php": php_differences}
LANGUAGES = (*GENERATED, *CONFORMANCE)


def _files(folder: Path, only: tuple[str, ...] = ()) -> set[str]:
    if only:
        return {name for name in only if (folder / name).is_file()}
    if not folder.is_dir():
        return set()
    return {
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and not IGNORED.intersection(path.parts)
    }


def differences(generated: Path, committed: Path, only: tuple[str, ...] = ()) -> list[str]:
    """Paths (relative to the repository) whose committed copy is not the generated one."""
    fresh, kept = _files(generated, only), _files(committed, only)
    changed = [
        name
        for name in sorted(fresh | kept)
        if name not in fresh
        or name not in kept
        or not filecmp.cmp(generated / name, committed / name, shallow=False)
    ]
    return [_shown(committed / name) for name in changed]


def _shown(path: Path) -> str:
    """Relative to the repository, as a reader finds it in git."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def check(schema: Path, scratch: Path) -> dict[str, list[str]]:
    """Per language, what is out of step: generated files named by path, PHP's mismatches."""
    found: dict[str, list[str]] = {}
    for language, part in GENERATED.items():
        found[language] = differences(part.generate(schema, scratch), part.committed, part.only)
    for language, conformance in CONFORMANCE.items():
        found[language] = conformance(schema)
    return found


def write(schema: Path, scratch: Path) -> None:
    for language, part in GENERATED.items():
        fresh = part.generate(schema, scratch)
        if part.only:  # beside hand-written files: replace just the generated ones
            for name in part.only:
                shutil.copyfile(fresh / name, part.committed / name)
        else:
            shutil.rmtree(part.committed, ignore_errors=True)
            shutil.copytree(fresh, part.committed, ignore=shutil.ignore_patterns(*IGNORED))
        print(f"{language}: regenerated {_shown(part.committed)}")


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
        drift = {language: paths for language, paths in check(schema, scratch).items() if paths}
    if not drift:
        print(f"Client libraries match the schema ({', '.join(LANGUAGES)}).")
        return 0
    for language, paths in drift.items():
        if language in CONFORMANCE:
            print(f"{language}: the client is out of step with the schema:", file=sys.stderr)
        else:
            print(f"{language}: generated code differs from the schema in:", file=sys.stderr)
        for path in paths:
            print(f"  {path}", file=sys.stderr)
    if drift.keys() & GENERATED.keys():
        print(
            "Regenerate with `.venv/bin/python scripts/check_sdk_drift.py --write` "
            "and commit the result with the schema change.",
            file=sys.stderr,
        )
    if drift.keys() & CONFORMANCE.keys():
        print(
            "The PHP client is written by hand: edit sdks/php/src/Client.php (OPERATIONS "
            "and the methods) to match, then run this check again.",
            file=sys.stderr,
        )
    return 1


if __name__ == "__main__":
    sys.exit(main())
