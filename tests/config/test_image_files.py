"""The production image's file list (scripts/check_image_files.py), built without Docker."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.check_image_files import (
    ROOT,
    context_files,
    final_stage_sources,
    image_files,
    is_ignored,
    main,
    problems,
    read_dockerignore,
)


def test_the_production_image_holds_no_development_only_file() -> None:
    copied = image_files(ROOT, context_files(ROOT))

    assert problems(ROOT, context_files(ROOT)) == []
    assert "config/settings/production.py" in copied
    for folder in ("sandbox/", "templates/sandbox/", "tests/", "bench/", "docs/", ".ci/"):
        assert not [path for path in copied if path.startswith(folder)], folder
    assert main([]) == 0


@pytest.mark.parametrize(
    ("patterns", "path", "ignored"),
    [
        ("sandbox", "sandbox/xero/views.py", True),  # a folder leaves out all it holds
        ("sandbox", "accounting/sandbox/views.py", False),  # from the root only
        ("/sandbox/", "sandbox/urls.py", True),  # a leading or trailing slash is cleaned
        ("*.md", "README.md", True),
        ("*.md", "docs/api.md", False),  # * stops at a folder
        ("**/*.md", "docs/providers/xero.md", True),
        ("**/__pycache__", "__pycache__/a.pyc", True),
        ("**/__pycache__", "api/__pycache__/a.pyc", True),
        ("docs/**", "docs/api.md", True),
        ("te?ts", "tests/conftest.py", True),
        ("[st]ests", "tests/conftest.py", True),
        ("docs\n!docs/keep.md", "docs/keep.md", False),  # a "!" pattern lets it back in
        ("docs\n!docs/keep.md\ndocs", "docs/keep.md", True),  # the last match decides
        ("# tests", "tests/conftest.py", False),  # a comment
    ],
)
def test_dockerignore_patterns_match_as_docker_matches_them(
    patterns: str, path: str, ignored: bool
) -> None:
    assert is_ignored(path, read_dockerignore(patterns)) is ignored


def test_only_the_final_stage_copies_from_the_context() -> None:
    dockerfile = (
        "FROM python AS build\nCOPY pyproject.toml uv.lock ./\n"
        "FROM python\nCOPY --from=build /opt/venv /opt/venv\n"
        'COPY --chown=app config \\\n  manage.py /app/\nCOPY ["static", "/app/static"]\n'
    )

    assert final_stage_sources(dockerfile) == ["config", "manage.py", "static"]


def test_a_development_only_file_that_gets_in_fails_the_check(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM python\nCOPY . .\n")
    (tmp_path / ".dockerignore").write_text(
        ".venv\n.git\nvar\n**/__pycache__\n.tools\n.hypothesis\nsandbox\n"
    )
    files = [
        "manage.py",
        "config/settings/__init__.py",
        "config/settings/production.py",
        "config/wsgi.py",
        "sandbox/urls.py",
    ]

    assert problems(tmp_path, [*files, "tests/conftest.py", "docs/api.md"]) == [
        "tests/conftest.py: development-only",
        "docs/api.md: development-only",
    ]
    assert problems(tmp_path, files) == []


def test_local_state_and_missing_app_files_fail_the_check(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM python\nCOPY . .\n")
    (tmp_path / ".dockerignore").write_text("config\n")

    found = problems(tmp_path, ["manage.py"])

    assert ".venv/bin/python: local state" in found
    assert "config/settings/production.py: missing, the app needs it" in found
