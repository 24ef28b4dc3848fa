#!/usr/bin/env python3
"""Fails if the production image would hold a development-only file.

Builds the list of files the Dockerfile's final stage copies from the build context,
with no Docker engine: the files git knows (tracked, or new and not ignored), less
what .dockerignore excludes (matched as Docker matches it), within the sources of the
final stage's COPY and ADD instructions. Any of them under the sandbox, the tests, the
benchmarks, the docs or CI fails the check, as does any local-only path (.venv, var/,
.git) that .dockerignore would let through.

Usage: scripts/check_image_files.py [--list]   (--list prints the image's files)
"""

from __future__ import annotations

import json
import posixpath
import re
import shlex
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from itertools import takewhile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Folders only development and tests use: none of their files may be in the image.
DEVELOPMENT_ONLY = ("sandbox/", "templates/sandbox/", "tests/", "bench/", "docs/", ".ci/")
# Paths git never lists that a developer's build context holds.
LOCAL_ONLY = (
    ".git/HEAD",
    ".venv/bin/python",
    ".tools/bin/uv",
    "var/patchbay.sqlite3",
    ".hypothesis/examples/0",
    "accounting/__pycache__/models.cpython-311.pyc",
)
# A pattern that excluded too much would leave an image that cannot start.
REQUIRED = (
    "manage.py",
    "config/settings/__init__.py",
    "config/settings/production.py",
    "config/wsgi.py",
)


@dataclass(frozen=True)
class IgnorePattern:
    regex: re.Pattern[str]
    exclusion: bool  # a "!pattern": lets back in what an earlier pattern left out


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """Docker's translation (moby/patternmatcher): ``*`` and ``?`` stop at ``/``,
    ``**`` crosses folders, ``[...]`` is a character class."""
    regex, index = "^", 0
    while index < len(pattern):
        if pattern.startswith("**", index):
            index += 2
            if pattern.startswith("/", index):
                index += 1  # "**/" is "**"
            regex += ".*" if index == len(pattern) else "(.*/)?"
            continue
        char = pattern[index]
        if char == "*":
            regex += "[^/]*"
        elif char == "?":
            regex += "[^/]"
        elif char in "[]":
            regex += char
        elif char == "\\" and index + 1 < len(pattern):
            index += 1
            regex += re.escape(pattern[index])
        else:
            regex += re.escape(char)
        index += 1
    return re.compile(regex + "$")


def read_dockerignore(text: str) -> list[IgnorePattern]:
    """The patterns of a .dockerignore, cleaned as Docker cleans them."""
    patterns = []
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        pattern = line.strip()
        if not pattern:
            continue
        exclusion = pattern.startswith("!")
        if exclusion:
            pattern = pattern[1:].strip()
        pattern = posixpath.normpath(pattern)
        if len(pattern) > 1 and pattern.startswith("/"):
            pattern = pattern[1:]
        patterns.append(IgnorePattern(pattern_regex(pattern), exclusion))
    return patterns


def is_ignored(path: str, patterns: Sequence[IgnorePattern]) -> bool:
    """Docker's MatchesOrParentMatches: the last pattern matching the path, or one of
    the folders above it, decides."""
    folders = path.split("/")[:-1]
    parents = ["/".join(folders[: depth + 1]) for depth in range(len(folders))]
    ignored = False
    for pattern in patterns:
        if pattern.exclusion != ignored:
            continue  # only a "!" pattern can change an ignored path, and vice versa
        if any(pattern.regex.match(candidate) for candidate in (path, *parents)):
            ignored = not pattern.exclusion
    return ignored


def final_stage_sources(dockerfile: str) -> list[str]:
    """The context paths the last stage's COPY/ADD instructions name (not --from ones)."""
    sources: list[str] = []
    for line in re.sub(r"\\\n", " ", dockerfile).splitlines():
        keyword, _, arguments = line.strip().partition(" ")
        if keyword.upper() == "FROM":
            sources = []  # a new stage: only the last one is the image
        elif keyword.upper() in {"COPY", "ADD"}:
            sources += copy_sources(arguments)
    return sources


def copy_sources(arguments: str) -> list[str]:
    """``[--option ...] src ... dest`` (or the JSON form): the sources from the context."""
    options = list(takewhile(lambda word: word.startswith("--"), arguments.split()))
    if any(option.startswith("--from=") for option in options):
        return []  # from another stage or image, not from the context
    paths_text = arguments.split(maxsplit=len(options))[-1]
    paths = json.loads(paths_text) if paths_text.startswith("[") else shlex.split(paths_text)
    return [posixpath.normpath(source) for source in paths[:-1]]


def is_copied(path: str, sources: Iterable[str]) -> bool:
    return any(
        source == "." or fnmatchcase(path, source) or path.startswith(f"{source}/")
        for source in sources
    )


def context_files(root: Path) -> list[str]:
    """The files of a build context made from this checkout (untracked local state aside)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=True,
        text=True,
    ).stdout.split("\0")
    return sorted(path for path in listed if path and (root / path).is_file())


def image_files(root: Path, files: Iterable[str]) -> list[str]:
    """Which of ``files`` (context paths) the image at ``root`` would hold."""
    patterns = read_dockerignore((root / ".dockerignore").read_text())
    sources = final_stage_sources((root / "Dockerfile").read_text())
    return [path for path in files if not is_ignored(path, patterns) and is_copied(path, sources)]


def problems(root: Path, files: Sequence[str]) -> list[str]:
    """What is wrong with the image the Dockerfile at ``root`` builds from ``files``."""
    copied = image_files(root, [*files, *LOCAL_ONLY])
    found = [f"{path}: development-only" for path in copied if path.startswith(DEVELOPMENT_ONLY)]
    found += [f"{path}: local state" for path in copied if path in LOCAL_ONLY]
    found += [f"{path}: missing, the app needs it" for path in REQUIRED if path not in copied]
    return found


def main(argv: Sequence[str]) -> int:
    files = context_files(ROOT)
    if "--list" in argv:
        print("\n".join(image_files(ROOT, files)))
        return 0
    found = problems(ROOT, files)
    if found:
        print("The production image would be wrong (fix .dockerignore or the Dockerfile):")
        print("\n".join(f"  {problem}" for problem in found))
        return 1
    count = len(image_files(ROOT, files))
    print(f"The production image holds {count} files, none of them development-only.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
