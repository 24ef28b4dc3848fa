"""Every PHP file of the plugin (and of its tests) parses: ``php -l``."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from wordpress_bridge.plugin_zip import PLUGIN_DIR

PHP_TEST_DIR = Path(__file__).parent / "php"
PHP_FILES = sorted(PLUGIN_DIR.rglob("*.php")) + sorted(PHP_TEST_DIR.glob("*.php"))


def test_the_plugin_has_its_php_files() -> None:
    names = {path.relative_to(PLUGIN_DIR).as_posix() for path in PLUGIN_DIR.rglob("*.php")}
    assert {
        "patchbay-availability.php",
        "uninstall.php",
        "includes/api.php",
        "includes/render.php",
        "includes/settings.php",
        "blocks/availability/render.php",
    } <= names


@pytest.mark.parametrize("path", PHP_FILES, ids=lambda path: path.name)
def test_php_file_parses(php: str, path: Path) -> None:
    result = subprocess.run(
        [php, "-l", str(path)], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax errors detected" in result.stdout
