"""The WordPress plugin's zip, built in memory from its folder in the repository.

WordPress installs an uploaded zip by unpacking it into wp-content/plugins/, so the
zip's single root folder is the plugin's slug. The version comes from the main file's
``Version:`` header, the one WordPress itself reads. The bytes are deterministic (entries
sorted, fixed timestamps and permissions): the same source always gives the same zip.
Development files (the PHP tests, coding-standard and Composer files) stay out.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

SLUG = "patchbay-availability"
PLUGIN_DIR = Path(__file__).resolve().parent / "plugin" / SLUG
MAIN_FILE = PLUGIN_DIR / f"{SLUG}.php"

# Top-level names in the plugin folder that never ship.
EXCLUDED_TOP_LEVEL = frozenset({"tests", "phpcs.xml.dist", "composer.json", "composer.lock"})
# The earliest time a zip entry can carry (the format counts from 1980).
FIXED_TIMESTAMP = (1980, 1, 1, 0, 0, 0)

_VERSION_HEADER = re.compile(r"^[ \t/*#@]*Version:[ \t]*(\S+)", re.MULTILINE)


def plugin_version() -> str:
    """The ``Version:`` header of the plugin's main file (e.g. ``0.1.0``)."""
    header = MAIN_FILE.read_text(encoding="utf-8")[:8192]  # WordPress reads the first 8 KiB
    match = _VERSION_HEADER.search(header)
    if match is None:
        raise ValueError(f"{MAIN_FILE} has no Version: header.")
    return match.group(1)


def zip_filename() -> str:
    """``patchbay-availability-<version>.zip``."""
    return f"{SLUG}-{plugin_version()}.zip"


def shipped_files() -> list[Path]:
    """The plugin's files that go in the zip, sorted by their path in it."""
    files = []
    for path in PLUGIN_DIR.rglob("*"):
        relative = path.relative_to(PLUGIN_DIR)
        if not path.is_file() or relative.parts[0] in EXCLUDED_TOP_LEVEL:
            continue
        if any(part.startswith(".") for part in relative.parts):
            continue  # editor and OS leftovers (.DS_Store, .swp)
        files.append(path)
    return sorted(files, key=lambda path: path.relative_to(PLUGIN_DIR).as_posix())


def build_plugin_zip() -> bytes:
    """The installable zip: every shipped file under ``patchbay-availability/``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in shipped_files():
            entry = zipfile.ZipInfo(
                f"{SLUG}/{path.relative_to(PLUGIN_DIR).as_posix()}", date_time=FIXED_TIMESTAMP
            )
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
            archive.writestr(entry, path.read_bytes())
    return buffer.getvalue()
