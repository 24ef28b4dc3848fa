"""The plugin's PHP is checked with Debian's PHP CLI (scripts/ensure_wordpress.sh)."""

from __future__ import annotations

import os
import shutil

import pytest


@pytest.fixture(scope="session")
def php() -> str:
    """The PHP CLI's path; skips (or, under REQUIRE_WORDPRESS=1, fails) without it."""
    path = shutil.which("php")
    if path is None:
        reason = "PHP is not installed (scripts/ensure_wordpress.sh installs php-cli)."
        if os.environ.get("REQUIRE_WORDPRESS") == "1":
            pytest.fail(f"REQUIRE_WORDPRESS=1 but {reason}")
        pytest.skip(reason)
    return path
