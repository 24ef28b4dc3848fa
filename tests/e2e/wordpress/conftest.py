"""Fixtures of the real-WordPress tests: whether WordPress can run here, and keys."""

from __future__ import annotations

import os
import secrets
import string

import pytest

from tests.e2e.wordpress.site import wordpress_missing_reason

BASE62 = string.digits + string.ascii_letters


def new_website_key() -> str:
    """A key of the website-key shape (pbpk_ and 36 base62 characters); the stand-in
    does not check its CRC, and the final test uses a key Patchbay issued."""
    return "pbpk_" + "".join(secrets.choice(BASE62) for _ in range(36))


@pytest.fixture(scope="session")
def wordpress_ready() -> None:
    """Skips (or, under REQUIRE_WORDPRESS=1 as in CI, fails) when PHP, Debian's
    WordPress or MariaDB is missing."""
    reason = wordpress_missing_reason()
    if reason is not None:
        if os.environ.get("REQUIRE_WORDPRESS") == "1":
            pytest.fail(f"REQUIRE_WORDPRESS=1 but {reason}")
        pytest.skip(reason)
