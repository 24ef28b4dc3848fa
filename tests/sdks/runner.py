"""Runs a client library's own test command against the live API (``live_api_env``)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_suite(command: list[str], env: dict[str, str], cwd: Path, timeout: int = 600) -> str:
    """Fails the test with the command's whole output unless it exits 0; returns the output."""
    if shutil.which(command[0]) is None:
        pytest.fail(f"{command[0]} is not installed: the client library's tests need it.")
    completed = subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = f"$ {' '.join(command)}\n{completed.stdout}\n{completed.stderr}"
    assert completed.returncode == 0, output
    print(output)  # shown with pytest -rP: each of the library's tests by name
    return output


def ensure_node_modules(package: Path) -> None:
    """Installs the package's pinned development tools (package-lock.json) once."""
    if not (package / "node_modules").is_dir():
        run_suite(["npm", "ci", "--no-audit", "--no-fund"], {}, package)
