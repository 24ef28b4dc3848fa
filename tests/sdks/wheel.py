"""The Python library as developers get it: the wheel `make sdks` built, unpacked.

A wheel of pure Python is installed by unpacking it onto the path, so the tests import
exactly the files the wheel ships (not sdks/python/), with the project's own httpx,
attrs and python-dateutil (pinned in uv.lock) as its dependencies.
"""

from __future__ import annotations

import sys
import tempfile
import zipfile
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest

from api.sdk_files import BY_SLUG, ROOT

BUILT = ROOT / "var" / "sdks"
SOURCES = ROOT / "sdks" / "python"


def built_wheel() -> Path:
    name = BY_SLUG["python"].filename()
    wheel = BUILT / str(name)
    if not wheel.is_file():
        pytest.fail(f"{wheel.relative_to(ROOT)} is not built: run `make sdks` first.")
    newest = max(
        path.stat().st_mtime
        for path in SOURCES.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )
    if wheel.stat().st_mtime < newest:
        pytest.fail(f"{wheel.relative_to(ROOT)} is older than sdks/python/: run `make sdks`.")
    return wheel


@cache
def installed() -> ModuleType:
    """Unpacked once per test process: a module is imported once, whichever test asks."""
    target = Path(tempfile.mkdtemp(prefix="patchbay-client-wheel-"))
    with zipfile.ZipFile(built_wheel()) as archive:
        archive.extractall(target)
    sys.path.insert(0, str(target))
    import patchbay_client

    assert Path(patchbay_client.__file__).is_relative_to(target)  # the wheel's copy
    return patchbay_client
