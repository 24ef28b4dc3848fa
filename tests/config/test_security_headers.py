"""Content-Security-Policy on every page, and no template that would need an exception to it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import cast

import pytest
from django.conf import settings
from django.template.utils import get_app_template_dirs
from django.test import Client
from django.urls import reverse

from tests.conftest import Tenants, client_for

# What a strict policy (no 'unsafe-inline', no 'unsafe-eval') refuses in markup.
INLINE = {
    "inline <script>": re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "on… event handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "htmx hx-on handler": re.compile(r"\b(?:data-)?hx-on\b", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


TEMPLATE_DIRS = cast(list[Path], settings.TEMPLATES[0]["DIRS"])


def _project_templates() -> list[Path]:
    base = Path(settings.BASE_DIR).resolve()
    dirs = [Path(d) for d in TEMPLATE_DIRS]
    dirs += [Path(d) for d in get_app_template_dirs("templates")]
    ours = {d.resolve() for d in dirs if d.resolve().is_relative_to(base)}
    ours = {d for d in ours if ".venv" not in d.parts}
    return sorted(path for folder in ours for path in folder.rglob("*.html"))


def _inline_uses(path: Path) -> list[str]:
    text = path.read_text()
    return [
        f"{path}:{text.count(chr(10), 0, found.start()) + 1}: {what}"
        for what, pattern in INLINE.items()
        for found in pattern.finditer(text)
    ]


def test_no_template_has_inline_script_style_or_handlers() -> None:
    templates = _project_templates()
    assert len(templates) > 50  # the project's folder and every app's
    found = [use for path in templates for use in _inline_uses(path)]
    assert found == []


def _policy(response: object) -> dict[str, list[str]]:
    header: str = response["Content-Security-Policy"]  # type: ignore[index]
    parts = [part.split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in parts}


def _assert_strict(response: object) -> None:
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("name", ["login", "api:docs"])
def test_public_pages_carry_a_strict_content_security_policy(db: None, name: str) -> None:
    response = Client().get(reverse(name))
    assert response.status_code == 200
    _assert_strict(response)


def test_signed_in_pages_and_htmx_partials_carry_it_too(tenants: Tenants) -> None:
    client = client_for(tenants.owner)
    for url in (reverse("integrations:index"), reverse("apikeys:index")):
        _assert_strict(client.get(url))
        _assert_strict(client.get(url, HTTP_HX_REQUEST="true"))


def test_error_pages_carry_it(tenants: Tenants) -> None:
    response = client_for(tenants.owner).get("/no-such-page/")
    assert response.status_code == 404
    _assert_strict(response)
