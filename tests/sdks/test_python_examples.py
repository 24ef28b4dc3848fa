"""The docs page's Python examples run as printed, against a live Patchbay, from the wheel."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.sdks.conftest import CUSTOMERS, webhook_env
from tests.sdks.test_python_client import _sample
from tests.sdks.wheel import built_wheel

EXAMPLES = Path(__file__).parents[2] / "templates" / "api" / "examples"
pytestmark = pytest.mark.xdist_group("sdk-python")


@pytest.fixture(scope="module")
def wheel_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("examples-wheel")
    with zipfile.ZipFile(built_wheel()) as archive:
        archive.extractall(target)
    return target


def _run(example: str, wheel_path: Path, key: str, **env: str) -> str:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / example)],
        env={**os.environ, "PYTHONPATH": str(wheel_path), "PATCHBAY_API_KEY": key, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_first_call_paging_and_429_examples_work(live_api_env, wheel_path) -> None:
    origin = {"PATCHBAY_URL": live_api_env["PATCHBAY_API_URL"].removesuffix("/api/v1")}
    key, read_only = live_api_env["PATCHBAY_API_KEY"], live_api_env["PATCHBAY_READONLY_KEY"]
    low = live_api_env["PATCHBAY_LOW_LIMIT_KEY"]

    first = _run("sdk_python_first_call.py", wheel_path, key, **origin)
    refused = _run("sdk_python_first_call.py", wheel_path, read_only, **origin)
    paged = _run("sdk_python_paging.py", wheel_path, key, **origin)
    limited = _run("sdk_python_rate_limit.py", wheel_path, low, CALLS="4", **origin)

    assert f"{CUSTOMERS} customers; the first: Customer" in first
    assert "created customer" in first
    assert "it needs customers:write" in refused
    assert f"read {CUSTOMERS + 1} customers" in paged  # the first-call example added one
    assert "changed since" in paged
    assert "429 on /api/v1/customers/: waiting" in limited
    assert "every call answered" in limited


def test_webhook_example_accepts_patchbay_s_signature_and_refuses_a_tampered_body(
    wheel_path, monkeypatch
) -> None:
    env = webhook_env()
    monkeypatch.setenv("PATCHBAY_WEBHOOK_SECRET", env["PATCHBAY_WEBHOOK_SECRET"])
    monkeypatch.syspath_prepend(str(wheel_path))
    receive = runpy.run_path(str(EXAMPLES / "sdk_python_webhook.py"))["receive"]
    headers, body = _sample(env)

    assert receive(headers, body.encode()) == (204, "")
    status, text = receive(headers, body.replace("Riverside", "Riverbank").encode())
    assert status == 400
    assert "no signature matches" in text
