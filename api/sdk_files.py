"""The client libraries' built files: their names, from each library's own manifest.

Standard library only: `make sdks` runs it before any virtual environment exists
(``python3 -m api.sdk_files python`` prints the Python wheel's file name), and the
download view uses it to know the only files it may serve.
"""

from __future__ import annotations

import json
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Library:
    slug: str
    label: str
    manifest: str  # relative to the repository
    pattern: str  # the built file's name, from the manifest's version

    def version(self, root: Path = ROOT) -> str | None:
        path = root / self.manifest
        if not path.is_file():
            return None
        if path.suffix == ".toml":
            return str(tomllib.loads(path.read_text())["project"]["version"])
        found = json.loads(path.read_text()).get("version")
        return str(found) if found else None

    def filename(self, root: Path = ROOT) -> str | None:
        version = self.version(root)
        return None if version is None else self.pattern.format(version=version)


LIBRARIES = (
    Library(
        "python",
        "Python",
        "sdks/python/pyproject.toml",
        "patchbay_client-{version}-py3-none-any.whl",
    ),
    Library(
        "typescript",
        "TypeScript and JavaScript",
        "sdks/typescript/package.json",
        "patchbay-client-{version}.tgz",
    ),
    Library("php", "PHP", "sdks/php/composer.json", "patchbay-client-php-{version}.zip"),
)
BY_SLUG = {library.slug: library for library in LIBRARIES}


def main(argv: list[str]) -> int:
    """Print the built file's name; ``missing-<slug>`` when the library's manifest is absent
    or has no version (the Makefile's rule for that name fails and says so)."""
    library = BY_SLUG[argv[0]]
    print(library.filename() or f"missing-{library.slug}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
