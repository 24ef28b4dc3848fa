"""The plugin's PHP unit tests (php/plugin-tests.php), run on WordPress stand-ins.

php/run.php runs every ``test_*`` function from a clean state and reports each one
as JSON; each becomes one pytest test here, so a failure names the PHP test. What they
cover: every output escaped, the key only in the Authorization header, one HTTP call
for two renders, errors answered with the friendly message and cached (Retry-After
honoured on 429), labels with no quantities, calendar month grids, the settings page
(key never echoed in full, pbk_ keys refused), Test connection (capability, nonce),
uninstall.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

PHP_TEST_DIR = Path(__file__).parent / "php"
PHP_TESTS = re.findall(
    r"^function (test_\w+)\(", (PHP_TEST_DIR / "plugin-tests.php").read_text(), re.MULTILINE
)


@functools.cache
def run_php_tests(php: str) -> dict[str, dict[str, Any]]:
    result = subprocess.run(
        [php, str(PHP_TEST_DIR / "run.php")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, f"run.php failed:\n{result.stdout}\n{result.stderr}"
    results: dict[str, dict[str, Any]] = json.loads(result.stdout)
    return results


def test_the_php_tests_were_found() -> None:
    assert len(PHP_TESTS) >= 30


@pytest.mark.parametrize("name", PHP_TESTS)
def test_php_unit_test(php: str, name: str) -> None:
    results = run_php_tests(php)
    assert name in results, f"run.php did not run {name}"
    assert results[name]["ok"], results[name]["message"]


def test_run_php_ran_exactly_the_tests_in_the_file(php: str) -> None:
    assert sorted(run_php_tests(php)) == sorted(PHP_TESTS)
