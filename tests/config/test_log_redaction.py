"""Authorization codes, states and tokens never reach a log line, the development
server's access log included."""

from __future__ import annotations

import logging
import os
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

from config.log_redaction import redact

ROOT = Path(__file__).resolve().parents[2]
CODE = "AB11" + "x7Yq" * 12
STATE = "Zk3_" * 10
CALLBACK = f"/settings/integrations/quickbooks/callback/?code={CODE}&state={STATE}&realmId=9341"


def test_credential_query_values_are_redacted_and_the_rest_kept() -> None:
    line = f'"GET {CALLBACK} HTTP/1.1" 302 0'

    assert redact(line) == (
        '"GET /settings/integrations/quickbooks/callback/?code=[redacted]&state=[redacted]'
        '&realmId=9341 HTTP/1.1" 302 0'
    )


@pytest.mark.parametrize(
    "url",
    [
        "/x/?access_token=abc",
        "/x/?refresh_token=abc&y=1",
        "/x/?nonce=abc",
        "/x/?client_secret=abc",
        "/x/?code_verifier=abc",
        f"/x/?request={'q' * 40}",  # an opaque value under a harmless name
    ],
)
def test_token_like_values_are_redacted(url: str) -> None:
    assert "abc" not in redact(url) and "q" * 40 not in redact(url)
    assert "[redacted]" in redact(url)


def test_every_handler_redacts(caplog: pytest.LogCaptureFixture) -> None:
    handlers = logging.getLogger().handlers + logging.getLogger("django.server").handlers
    filtered = [h for h in handlers if any(type(f).__name__ == "RedactSecrets" for f in h.filters)]
    assert len(filtered) >= 2  # the console and the development server's access log


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_serving(url: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            pytest.fail("runserver exited before serving")
        try:
            requests.get(url, timeout=1, allow_redirects=False)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    pytest.fail("runserver did not start")


@pytest.mark.django_db
def test_the_development_servers_access_log_holds_no_code_or_state(tmp_path: Path) -> None:
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    port = _free_port()
    log_file = tmp_path / "runserver.log"
    with log_file.open("wb") as stderr:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env={**os.environ, "PATCHBAY_ENV": "test", "DATABASE_URL": url},
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        try:
            _wait_until_serving(f"http://127.0.0.1:{port}/healthz", server)
            requests.get(f"http://127.0.0.1:{port}{CALLBACK}", timeout=10, allow_redirects=False)
            # The server logs a request after answering it: wait for the line to be written.
            deadline = time.monotonic() + 30
            while "/callback/" not in log_file.read_text() and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            server.terminate()
            server.wait(timeout=30)
    log = log_file.read_text()
    assert "/settings/integrations/quickbooks/callback/?code=[redacted]" in log
    assert CODE not in log and STATE not in log


def test_gunicorns_access_log_holds_no_code_or_state() -> None:
    """Whatever access_log_format is chosen: request line, query string and Referer."""
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config
    from gunicorn.glogging import SafeAtoms

    from config.gunicorn_logging import RedactingLogger

    settings_file = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings_file["logger_class"] == "config.gunicorn_logging.RedactingLogger"
    path, query = CALLBACK.split("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": CALLBACK,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://appcenter.intuit.com/connect/oauth2?state={STATE}",
    }
    response = SimpleNamespace(status="302 Found", sent=0, headers=[])
    atoms = RedactingLogger(Config()).atoms(response, [], environ, timedelta(seconds=1))

    gunicorn_format = '"%(r)s" %(s)s "%(f)s" %(q)s %({query_string}e)s'
    line = gunicorn_format % SafeAtoms(atoms)  # gunicorn's own %-style formatting
    assert CODE not in line and STATE not in line
    assert line.startswith('"GET /settings/integrations/quickbooks/callback/?code=[redacted]')
