"""``make run``'s embedded configuration, started for real: SQLite, no Redis, two web processes.

The suite itself runs on PostgreSQL and Redis, so this test starts the app the
way ``make run`` does (development settings, no DATABASE_URL or REDIS_URL, the
``runserver`` command of scripts/serve.sh) in child processes with a clean
environment and their own var/ folder, and talks to them over HTTP. Two web
processes share the work, so a limit kept per process would show.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO_OWNER, DEMO_PASSWORD = "owner@demo.test", "patchbay-demo"
KEY_NAME = "Embedded limits check"
CREATE_KEY = f"""
from apikeys import services
from apikeys.scopes import Preset, preset
from tenancy.models import Organisation
created = services.create_key(
    Organisation.objects.get(slug="demo-rentals"), name={KEY_NAME!r},
    scopes=preset(Preset.READ_ONLY), created_by=None,
)
print(created.secret)
"""


@dataclass(frozen=True)
class Embedded:
    bases: list[str]  # one URL per web process
    env: dict[str, str]


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _embedded_env(var_dir: Path, port: int) -> dict[str, str]:
    """What a fresh shell gives ``make run``: no PATCHBAY_ENV, DATABASE_URL or REDIS_URL."""
    kept = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    return {
        **kept,
        "PATCHBAY_VAR_DIR": str(var_dir),
        "PATCHBAY_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "PYTHONUNBUFFERED": "1",
    }


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _get(url: str, opener: urllib.request.OpenerDirector, **headers: str) -> Answer:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - a local test server
    try:
        with opener.open(request, timeout=30) as response:
            return Answer(response.status, dict(response.headers), response.read().decode())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read().decode())


def _wait_until_serving(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "the development server exited while starting"
        try:
            _get(f"{base}/healthz", urllib.request.build_opener())
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{base} did not start serving within a minute")


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Embedded]:
    var_dir = tmp_path_factory.mktemp("var")
    ports = [_free_port(), _free_port()]
    env = _embedded_env(var_dir, ports[0])
    _manage(env, "migrate", "--noinput")
    _manage(env, "seed_demo")
    log = (var_dir / "servers.log").open("wb")
    # scripts/serve.sh's command, without the autoreloader's file watching.
    servers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=_embedded_env(var_dir, port),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base, server in zip(bases, servers, strict=True):
            _wait_until_serving(base, server)
        yield Embedded(bases, env)
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def secret(embedded: Embedded) -> str:
    output = _manage(embedded.env, "shell", "-c", CREATE_KEY)
    return output.strip().splitlines()[-1]


def _signed_in(base: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    _get(f"{base}/accounts/login/", opener)
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    form = urllib.parse.urlencode(
        {"username": DEMO_OWNER, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - a local test server
        f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/accounts/login/"}
    )
    with opener.open(request, timeout=30) as response:
        assert "/accounts/login/" not in response.url, "the demo owner could not sign in"
    return opener


def _key_row(page: str) -> str:
    rows: list[str] = re.findall(r'<tr data-testid="key-row">(.*?)</tr>', page, flags=re.S)
    return next(row for row in rows if KEY_NAME in row)


def test_make_run_admits_exactly_the_documented_limit_across_processes_with_headers(
    embedded: Embedded, secret: str
) -> None:
    plain, auth = urllib.request.build_opener(), f"Bearer {secret}"
    bases = embedded.bases
    # Unevenly split, as traffic is: a share of the limit per process would refuse early.
    answers = [
        _get(f"{bases[0 if i < 70 else 1]}/api/v1/customers/", plain, Authorization=auth)
        for i in range(110)
    ]
    assert [a.status for a in answers] == [200] * 100 + [429] * 10
    for answer in answers:
        assert answer.headers["RateLimit-Policy"] == '"minute";q=100;w=60, "hour";q=5000;w=3600'
        assert answer.headers["RateLimit"].startswith('"minute";r=')
    assert '"minute";r=0;' in answers[99].headers["RateLimit"]
    for refused in answers[100:]:
        assert int(refused.headers["Retry-After"]) >= 1
        assert "application/problem+json" in refused.headers["Content-Type"]

    page = _get(f"{bases[1]}/settings/api/", _signed_in(bases[1]))
    assert page.status == 200
    assert "<time datetime=" in _key_row(page.body)  # "Last used" shows a time, not "Never"
