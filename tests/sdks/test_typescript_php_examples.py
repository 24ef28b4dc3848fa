"""The docs page's TypeScript and PHP examples run as printed, against a live Patchbay,
each from the package `make sdks` built (the npm tarball unpacked as node_modules, the
PHP zip unzipped beside the script), as a developer who downloaded it would run them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest

from api.sdk_files import BY_SLUG, ROOT
from tests.sdks.conftest import CUSTOMERS, webhook_env

EXAMPLES = ROOT / "templates" / "api" / "examples"
BUILT = ROOT / "var" / "sdks"
TOPICS = ("first_call", "paging", "rate_limit", "webhook")
pytestmark = pytest.mark.xdist_group("sdk-examples-ts-php")


def _built(slug: str) -> Path:
    package = BUILT / str(BY_SLUG[slug].filename())
    if not package.is_file():
        pytest.fail(f"{package.relative_to(ROOT)} is not built: run `make sdks` first.")
    sources = ROOT / "sdks" / slug
    newest = max(
        path.stat().st_mtime
        for path in sources.rglob("*")
        if path.is_file() and not {"node_modules", "dist"}.intersection(path.parts)
    )
    if package.stat().st_mtime < newest:
        pytest.fail(f"{package.relative_to(ROOT)} is older than sdks/{slug}/: run `make sdks`.")
    return package


@pytest.fixture(scope="module")
def node_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the tarball installed as node_modules/patchbay-client and the examples."""
    project = tmp_path_factory.mktemp("ts-examples")
    with tarfile.open(_built("typescript"), "r:gz") as archive:
        archive.extractall(project / "unpacked", filter="data")
    (project / "node_modules").mkdir()
    (project / "unpacked" / "package").rename(project / "node_modules" / "patchbay-client")
    for topic in TOPICS:
        shutil.copy(EXAMPLES / f"sdk_typescript_{topic}.mjs", project)
    return project


@pytest.fixture(scope="module")
def php_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the zip unpacked (its one versioned folder) and the examples beside it."""
    project = tmp_path_factory.mktemp("php-examples")
    with zipfile.ZipFile(_built("php")) as archive:
        archive.extractall(project)  # noqa: S202 -- our own build, from var/sdks
    for topic in TOPICS:
        shutil.copy(EXAMPLES / f"sdk_php_{topic}.php", project)
    return project


def _run(command: list[str], cwd: Path, key: str = "", **env: str) -> str:
    if shutil.which(command[0]) is None:
        pytest.fail(f"{command[0]} is not installed: the examples need it.")
    result = subprocess.run(  # fixed commands over this repository's examples
        command,
        cwd=cwd,
        env={**os.environ, "PATCHBAY_API_KEY": key, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _origin(live_api_env: dict[str, str]) -> dict[str, str]:
    return {"PATCHBAY_URL": live_api_env["PATCHBAY_API_URL"].removesuffix("/api/v1")}


@pytest.mark.parametrize(
    ("runner", "extension", "project"),
    [("node", "mjs", "node_project"), ("php", "php", "php_project")],
)
def test_first_call_paging_and_429_examples_work(
    live_api_env: dict[str, str],
    runner: str,
    extension: str,
    project: str,
    request: pytest.FixtureRequest,
) -> None:
    folder: Path = request.getfixturevalue(project)
    library = "typescript" if runner == "node" else "php"
    origin = _origin(live_api_env)
    key, read_only = live_api_env["PATCHBAY_API_KEY"], live_api_env["PATCHBAY_READONLY_KEY"]
    low = live_api_env["PATCHBAY_LOW_LIMIT_KEY"]

    def run(topic: str, run_key: str, **env: str) -> str:
        return _run([runner, f"sdk_{library}_{topic}.{extension}"], folder, run_key, **env)

    first = run("first_call", key, **origin)
    refused = run("first_call", read_only, **origin)
    paged = run("paging", key, **origin)
    limited = run("rate_limit", low, CALLS="4", **origin)

    assert f"{CUSTOMERS} customers; the first: Customer" in first
    assert "created customer" in first
    assert "it needs customers:write" in refused
    assert f"read {CUSTOMERS + 1} customers" in paged  # the first-call example added one
    assert f"{CUSTOMERS + 1} changed in the last day; next time ask from 20" in paged
    assert "429 on customers_list: waiting" in limited
    assert "every call answered" in limited


NODE_WEBHOOK = """
import { receive } from "./sdk_typescript_webhook.mjs";
const sample = JSON.parse(process.env.PATCHBAY_WEBHOOK_SAMPLE);
const headers = {
  "webhook-id": sample.id,
  "webhook-timestamp": String(sample.timestamp),
  "webhook-signature": sample.signature,
};
console.log(JSON.stringify(await receive(headers, sample.body)));
const tampered = sample.body.replace("Riverside", "Riverbank");
console.log(JSON.stringify(await receive(headers, tampered)));
"""

PHP_WEBHOOK = """<?php
require __DIR__ . '/sdk_php_webhook.php';
$sample = json_decode(getenv('PATCHBAY_WEBHOOK_SAMPLE'), true);
$headers = [  // as getallheaders() gives them: capitalised
    'Webhook-Id' => $sample['id'],
    'Webhook-Timestamp' => (string) $sample['timestamp'],
    'Webhook-Signature' => $sample['signature'],
];
echo json_encode(receive($webhook, $headers, $sample['body'])), "\\n";
$tampered = str_replace('Riverside', 'Riverbank', $sample['body']);
echo json_encode(receive($webhook, $headers, $tampered)), "\\n";
"""


@pytest.mark.parametrize(
    ("runner", "driver", "source", "project"),
    [
        ("node", "receive.mjs", NODE_WEBHOOK, "node_project"),
        ("php", "receive.php", PHP_WEBHOOK, "php_project"),
    ],
)
def test_webhook_example_accepts_patchbay_s_signature_and_refuses_a_tampered_body(
    runner: str, driver: str, source: str, project: str, request: pytest.FixtureRequest
) -> None:
    folder: Path = request.getfixturevalue(project)
    (folder / driver).write_text(source)

    lines = _run([runner, driver], folder, **webhook_env()).splitlines()

    assert lines[0].startswith("customer.updated: ")
    assert "Riverside Arts Festival" in lines[0]
    assert json.loads(lines[1]) == [204, ""]
    status, text = json.loads(lines[2])
    assert status == 400
    assert "no signature matches" in text.lower()
