"""The API docs page offers each client library; each download is the package it claims.

Chromium opens the docs page, finds each library's section, downloads its package
through the link and the test opens the archive. Which libraries exist follows
api.sdk_files.LIBRARIES; under CI (REQUIRE_SDKS=1) each of them must be there.
"""

from __future__ import annotations

import json
import os
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from api.sdk_files import LIBRARIES, Library
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e


def _wheel(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert "patchbay_client/__init__.py" in names
        assert "patchbay_client/generated/api/customers/customers_list.py" in names
        metadata = next(name for name in names if name.endswith(".dist-info/METADATA"))
        assert "Name: patchbay-client" in archive.read(metadata).decode()


def _npm_tarball(path: Path) -> None:
    with tarfile.open(path, "r:gz") as archive:
        manifest = archive.extractfile("package/package.json")
        assert manifest is not None
        assert "patchbay" in json.loads(manifest.read())["name"]


def _php_zip(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        root = path.name.removesuffix(".zip")  # one folder, named like the file
        assert f"{root}/composer.json" in names
        assert f"{root}/src/autoload.php" in names
        assert all(name.startswith(f"{root}/") for name in names)


ARCHIVE_CHECKS: dict[str, Callable[[Path], None]] = {
    "python": _wheel,
    "typescript": _npm_tarball,
    "php": _php_zip,
}


def _present(library: Library) -> str:
    name = library.filename()
    if name is None:
        reason = f"{library.manifest} is not in this tree."
        if os.environ.get("REQUIRE_SDKS") == "1":
            pytest.fail(f"REQUIRE_SDKS=1 but {reason}")
        pytest.skip(reason)
    return name


@pytest.mark.parametrize("library", LIBRARIES, ids=lambda library: library.slug)
def test_docs_page_downloads_each_library_s_package(
    page: Page, live_server: Any, tmp_path: Path, library: Library
) -> None:
    filename = _present(library)
    page.goto(f"{live_server.url}/api/v1/docs/#client-libraries")
    section = page.locator(f'[data-testid="sdk"][data-library="{library.slug}"]')
    expect(section.get_by_role("heading", name=library.label)).to_be_visible()
    link = section.get_by_test_id("sdk-download")
    if link.count() == 0:
        pytest.fail(f"The docs page has no download for {filename}: run `make sdks`.")
    expect(section).to_contain_text("Install:")

    with page.expect_download() as started:
        link.click()
    download = started.value
    assert download.suggested_filename == filename
    saved = tmp_path / filename
    download.save_as(saved)
    ARCHIVE_CHECKS[library.slug](saved)
    screenshot(page, f"api-docs-sdk-{library.slug}")
