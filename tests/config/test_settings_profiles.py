"""The settings package: PATCHBAY_ENV picks the profile, the sandbox exists only in
development and test, and each provider's settings come from its package, overridable
by the environment. Each case loads settings in a child process (they are read once)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from accounting.providers.quickbooks import settings as quickbooks
from accounting.providers.sage import settings as sage
from accounting.providers.xero import settings as xero

ROOT = Path(__file__).resolve().parents[2]
PROVIDERS = [quickbooks, sage, xero]
PRINT_SETTINGS = """
import json
from django.conf import settings
names = [name for name in dir(settings) if name.isupper()]
print(json.dumps({name: getattr(settings, name) for name in names}, default=str))
"""
PRODUCTION = {
    "PATCHBAY_ENV": "production",
    "DJANGO_SECRET_KEY": "a-production-like-secret-key-for-this-test-only",
    "PATCHBAY_ENCRYPTION_KEYS": "unused-here",
    "DATABASE_URL": "postgres://patchbay@127.0.0.1:5432/unused",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def _load(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess[str]:
    unset = {"PATCHBAY_ENV", "DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG", "PYTHONPATH"}
    env = {name: value for name, value in os.environ.items() if name not in unset}
    env |= {"PATCHBAY_VAR_DIR": str(tmp_path), "PYTHONPATH": str(ROOT), **variables}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True
    )


def _settings(tmp_path: Path, **variables: str) -> dict[str, Any]:
    loaded = _load(tmp_path, **variables)
    assert loaded.returncode == 0, loaded.stderr
    settings: dict[str, Any] = json.loads(loaded.stdout)
    return settings


def test_production_holds_no_sandbox_setting_app_or_default(tmp_path: Path) -> None:
    settings = _settings(tmp_path, **PRODUCTION)

    assert [name for name in settings if name.startswith("SANDBOX")] == []
    assert [app for app in settings["INSTALLED_APPS"] if app.startswith("sandbox")] == []
    for provider in PROVIDERS:
        for name, default in provider.SERVICE.items():
            # The real service, no credentials; a default's escaped braces ("{{id}}", a
            # placeholder filled per record) come out single, as from_environment fills them.
            assert settings[name] == default.format(), name


@pytest.mark.parametrize("profile", ["development", "test"])
def test_development_and_test_point_every_provider_at_the_sandbox(
    tmp_path: Path, profile: str
) -> None:
    base_url = "http://127.0.0.1:8123"
    settings = _settings(tmp_path, PATCHBAY_ENV=profile, PATCHBAY_PUBLIC_BASE_URL=f"{base_url}/")

    for provider in PROVIDERS:
        for name, default in provider.SANDBOX.items():
            assert settings[name] == default.format(PUBLIC_BASE_URL=base_url), name
    assert settings["INSTALLED_APPS"][-len(settings["SANDBOX_APPS"]) :] == settings["SANDBOX_APPS"]
    assert settings["SANDBOX_XERO_WEBHOOK_KEY"] == settings["XERO_WEBHOOK_KEY"]
    assert settings["SANDBOX_XERO_REDIRECT_URIS"] == [
        f"{base_url}/settings/integrations/xero/callback/",
        "http://localhost:8123/settings/integrations/xero/callback/",
    ]


def test_development_without_services_is_embedded(tmp_path: Path) -> None:
    settings = _settings(tmp_path)  # no PATCHBAY_ENV, DATABASE_URL or REDIS_URL

    assert settings["ENV"] == "development" and settings["DEBUG"] is True
    assert settings["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["CELERY_BROKER_URL"] == "filesystem://"
    assert settings["API_RATE_LIMIT_STORE"] == "sqlite"
    assert (tmp_path / "broker" / "control").is_dir()


@pytest.mark.parametrize("profile", [{"PATCHBAY_ENV": "development"}, PRODUCTION])
def test_the_environment_overrides_settings_in_every_profile(
    tmp_path: Path, profile: dict[str, str]
) -> None:
    settings = _settings(
        tmp_path,
        **profile,
        XERO_API_BASE="https://xero.example/api.xro/2.0",
        SAGE_CLIENT_ID="registered-at-sage",
        DJANGO_ALLOWED_HOSTS="a.example, b.example",
        EMAIL_PORT="2525",
    )

    assert settings["XERO_API_BASE"] == "https://xero.example/api.xro/2.0"
    assert settings["SAGE_CLIENT_ID"] == "registered-at-sage"
    assert settings["ALLOWED_HOSTS"] == ["a.example", "b.example"]
    assert settings["EMAIL_PORT"] == 2525


@pytest.mark.parametrize("spelling", ["1", "true", "yes", "on"])
def test_every_boolean_reads_the_same_spellings(tmp_path: Path, spelling: str) -> None:
    settings = _settings(
        tmp_path, PATCHBAY_ENV="test", DJANGO_DEBUG=spelling, SANDBOX_XERO_WEBHOOK_ASYNC="0"
    )
    assert settings["DEBUG"] is True
    assert settings["SANDBOX_XERO_WEBHOOK_ASYNC"] is False

    refused = _load(tmp_path, **PRODUCTION, DJANGO_DEBUG=spelling)
    assert refused.returncode != 0
    assert "DJANGO_DEBUG=1 is refused in production" in refused.stderr


def test_an_unknown_profile_is_refused(tmp_path: Path) -> None:
    loaded = _load(tmp_path, PATCHBAY_ENV="staging")

    assert loaded.returncode != 0
    assert "PATCHBAY_ENV must be development, test or production, not 'staging'" in loaded.stderr
