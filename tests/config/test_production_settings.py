"""Production settings checked in a child process (settings are read once per process),
run from a copy of exactly the files the production image holds: no sandbox, no tests."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

from scripts.check_image_files import ROOT, context_files, image_files

SCRIPT = """
import json
import django
django.setup()
from django.test import Client
response = Client().get("/accounts/login/", secure=True, HTTP_HOST="patchbay.example")
cookies = {name: dict(morsel) for name, morsel in response.cookies.items()}
print(json.dumps({"status": response.status_code, "headers": dict(response.headers),
                  "cookies": cookies}))
"""


UNIMPORTABLE = """
import importlib.util
print([name for name in ("sandbox", "tests", "bench") if importlib.util.find_spec(name)])
"""


@pytest.fixture(scope="module")
def image_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files the production image holds (.dockerignore applied), copied out."""
    root = tmp_path_factory.mktemp("image")
    for path in image_files(ROOT, context_files(ROOT)):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / path, root / path)
    return root


def production_env() -> dict[str, str]:
    # PYTHONPATH: pytest-xdist points it at the checkout, where the sandbox is importable.
    unset = {"DJANGO_ALLOW_ASYNC_UNSAFE", "PYTHONPATH"}
    inherited = {k: v for k, v in os.environ.items() if k not in unset}
    return {
        **inherited,
        "PATCHBAY_ENV": "production",
        "DJANGO_SECRET_KEY": "p" * 20 + "-production-like-secret-key-" + "q" * 20,
        "DJANGO_ALLOWED_HOSTS": "patchbay.example",
        "PATCHBAY_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "DATABASE_URL": settings.DATABASE_URL,
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


def test_the_image_has_no_sandbox_tests_or_benchmarks_to_import(image_root: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", UNIMPORTABLE],
        cwd=image_root,
        env=production_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]"


def test_check_deploy_is_clean_with_production_settings(image_root: Path) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=image_root,
        env=production_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_sends_secure_cookies_and_headers(image_root: Path, tmp_path: Path) -> None:
    # Production serves hashed static files, so collect them first, as a deploy does.
    env = {**production_env(), "PATCHBAY_VAR_DIR": str(tmp_path)}
    for command in (["manage.py", "collectstatic", "--noinput"], ["-c", SCRIPT]):
        result = subprocess.run(
            [sys.executable, *command], cwd=image_root, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
    page = json.loads(result.stdout.strip().splitlines()[-1])
    headers = page["headers"]
    assert page["status"] == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self';" in headers["Content-Security-Policy"]
    assert page["cookies"]["csrftoken"]["secure"] is True


def test_production_refuses_to_start_without_a_secret_key(image_root: Path) -> None:
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=image_root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_to_start_in_debug_mode() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**production_env(), "DJANGO_DEBUG": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_DEBUG=1 is refused in production" in result.stderr
