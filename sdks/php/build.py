#!/usr/bin/env python3
"""Builds the PHP client's download: build.py [output folder, default dist/].

Makes patchbay-client-php-<version>.zip holding one folder, patchbay-client-php-<version>/,
with composer.json, README.md and src/ (require src/autoload.php, or let Composer load it).
Python's standard library only, so `make sdks` needs no PHP on a machine that only serves
the download. Entries are sorted and share one fixed time, so the same sources make the
same bytes.
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONTENTS = ("composer.json", "README.md", "src")
FIXED_TIME = (2026, 1, 1, 0, 0, 0)


def _files() -> list[Path]:
    found: list[Path] = []
    for name in CONTENTS:
        path = HERE / name
        found.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    return sorted(found, key=lambda p: p.relative_to(HERE).as_posix())


def build(out: Path) -> Path:
    version = json.loads((HERE / "composer.json").read_text())["version"]
    root = f"patchbay-client-php-{version}"
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{root}.zip"
    partial = target.with_suffix(".zip.partial")  # a failed build leaves no half archive
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in _files():
            entry = zipfile.ZipInfo(f"{root}/{path.relative_to(HERE).as_posix()}", FIXED_TIME)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, path.read_bytes())
    partial.replace(target)
    return target


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "dist"))
