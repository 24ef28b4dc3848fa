"""The plugin's zip: one root folder named after the slug, the version from the main
file, no development files, the same bytes every time; the headers agree."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from wordpress_bridge import plugin_zip
from wordpress_bridge.plugin_zip import (
    PLUGIN_DIR,
    build_plugin_zip,
    plugin_version,
    zip_filename,
)


def names_in(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return archive.namelist()


def test_the_version_is_the_main_files_version_header() -> None:
    assert plugin_version() == "0.1.0"
    assert zip_filename() == "patchbay-availability-0.1.0.zip"


def test_every_entry_is_under_the_slug_folder_sorted() -> None:
    names = names_in(build_plugin_zip())
    assert names == sorted(names)
    assert all(name.startswith("patchbay-availability/") for name in names)
    assert {
        "patchbay-availability/patchbay-availability.php",
        "patchbay-availability/readme.txt",
        "patchbay-availability/uninstall.php",
        "patchbay-availability/includes/api.php",
        "patchbay-availability/includes/render.php",
        "patchbay-availability/includes/settings.php",
        "patchbay-availability/blocks/availability/block.json",
        "patchbay-availability/blocks/availability/render.php",
        "patchbay-availability/assets/patchbay-availability.css",
    } <= set(names)


def test_the_zip_holds_the_files_as_they_are() -> None:
    with zipfile.ZipFile(io.BytesIO(build_plugin_zip())) as archive:
        shipped = archive.read("patchbay-availability/includes/api.php")
    assert shipped == (PLUGIN_DIR / "includes" / "api.php").read_bytes()


def test_two_builds_are_byte_for_byte_the_same() -> None:
    assert build_plugin_zip() == build_plugin_zip()


def test_development_files_stay_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "patchbay-availability"
    shutil.copytree(PLUGIN_DIR, copy)
    (copy / "tests").mkdir()
    (copy / "tests" / "test-render.php").write_text("<?php\n")
    for name in ("phpcs.xml.dist", "composer.json", "composer.lock", ".DS_Store"):
        (copy / name).write_text("{}")
    (copy / "includes" / ".api.php.swp").write_text("x")
    monkeypatch.setattr(plugin_zip, "PLUGIN_DIR", copy)
    monkeypatch.setattr(plugin_zip, "MAIN_FILE", copy / "patchbay-availability.php")

    names = names_in(build_plugin_zip())

    assert "patchbay-availability/patchbay-availability.php" in names
    leaked = [
        name
        for name in names
        if re.search(r"/(tests/|phpcs\.xml\.dist|composer\.|\.DS_Store|\.api\.php\.swp)", name)
    ]
    assert leaked == []


def test_a_main_file_without_a_version_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    main = tmp_path / "patchbay-availability.php"
    main.write_text("<?php\n/**\n * Plugin Name: Patchbay Availability\n */\n")
    monkeypatch.setattr(plugin_zip, "MAIN_FILE", main)
    with pytest.raises(ValueError, match="no Version: header"):
        plugin_version()


def header_fields(text: str) -> dict[str, str]:
    return {
        match.group(1).strip(): match.group(2).strip()
        for match in re.finditer(r"^[ \t/*]*([A-Z][A-Za-z ]+):[ \t]*(.+)$", text, re.MULTILINE)
    }


def test_the_headers_agree_with_each_other() -> None:
    main = header_fields((PLUGIN_DIR / "patchbay-availability.php").read_text()[:8192])
    readme_text = (PLUGIN_DIR / "readme.txt").read_text()
    readme = header_fields(readme_text.split("== Description ==")[0])
    block = json.loads((PLUGIN_DIR / "blocks" / "availability" / "block.json").read_text())

    assert main["Plugin Name"] == "Patchbay Availability"
    assert main["License"] == "GPL-2.0-or-later"
    assert main["Text Domain"] == "patchbay-availability" == block["textdomain"]
    assert main["Requires at least"] == readme["Requires at least"] == "6.1"
    assert main["Requires PHP"] == readme["Requires PHP"] == "7.4"
    assert len(main["Description"]) < 140
    assert readme["Stable tag"] == block["version"] == plugin_version()
    assert len(readme["Tags"].split(",")) <= 5
    short_description = readme_text.split("\n\n")[1].strip()
    assert "\n" not in short_description and len(short_description) <= 150
    assert "= External services =" in readme_text
    assert f"= {plugin_version()} =" in readme_text  # a changelog entry for this version
