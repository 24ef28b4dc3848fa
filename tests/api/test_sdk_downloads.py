"""The client libraries' packages, served from the docs page: known files only, as attachments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from api.sdk_files import BY_SLUG, LIBRARIES

WHEEL = str(BY_SLUG["python"].filename())
URL = "/api/v1/docs/sdks/"


@pytest.fixture
def built(tmp_path: Path, settings: Any) -> Path:
    settings.SDK_DIST_DIR = tmp_path / "sdks"
    settings.SDK_DIST_DIR.mkdir()
    (settings.SDK_DIST_DIR / WHEEL).write_bytes(b"PK\x03\x04 a wheel")
    # Something else in the folder, which must never be served.
    (settings.SDK_DIST_DIR / "notes.txt").write_text("private")
    (tmp_path / "secret.txt").write_text("private")
    return Path(settings.SDK_DIST_DIR)


def test_a_built_package_downloads_as_an_attachment(built: Path) -> None:
    response = Client().get(URL + WHEEL)

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{WHEEL}"'
    assert response["Content-Type"] == "application/zip"
    assert response.content == b"PK\x03\x04 a wheel"


@pytest.mark.parametrize(
    "name", ["notes.txt", "..%2Fsecret.txt", "..%5Csecret.txt", "%2E%2E/secret.txt", WHEEL + ".bak"]
)
def test_anything_but_a_known_package_is_a_problem_404(built: Path, name: str) -> None:
    response = Client().get(URL + name)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert b"private" not in response.content


def test_a_known_package_not_built_yet_says_to_run_make_sdks(built: Path) -> None:
    (built / WHEEL).unlink()
    response = Client().get(URL + WHEEL)

    assert response.status_code == 404
    assert "make sdks" in response.json()["detail"]


def test_the_docs_page_offers_each_library_with_its_install_line_and_link(built: Path) -> None:
    page = Client().get("/api/v1/docs/").content.decode()
    present = [library for library in LIBRARIES if library.filename() is not None]

    assert "python" in {library.slug for library in present}
    for library in present:
        assert f'data-library="{library.slug}"' in page
    assert f'href="{URL}{WHEEL}" download' in page
    assert f"pip install http://testserver{URL}{WHEEL}" in page
    for topic in ("A first call", "Every page, and only what changed", "Handling a 429"):
        assert topic in page
    assert "pb.verify(SECRET, headers, raw_body)" in page
