"""The docs page and schema, and the verification examples run against real signatures."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from api.views.docs import openapi
from webhooks import signing

EXAMPLES = Path(settings.BASE_DIR) / "templates" / "api" / "examples"
BODY = '{"type":"quote.approved","timestamp":"2026-01-01T00:00:00+00:00","data":{"id":3}}'


def _signed(secret: str) -> dict[str, str]:
    return signing.headers([secret], signing.new_event_id(), datetime.now(UTC), BODY)


def test_the_schema_is_public_openapi_3_json(db: None) -> None:
    response = Client().get("/api/v1/schema/")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"
    assert "/api/v1/invoices/" in document["paths"]


def test_the_docs_page_covers_every_operation_with_examples(db: None) -> None:
    page = Client().get("/api/v1/docs/").content.decode()
    for path, item in openapi()["paths"].items():
        assert path in page
        for operation in item.values():
            if isinstance(operation, dict) and "x-required-scope" in operation:
                assert operation["x-required-scope"] in page
    for anchor in ("authentication", "scopes", "rate-limits", "errors", "webhooks"):
        assert f'id="{anchor}"' in page
    for language in ("verify-python", "verify-javascript", "verify-php"):
        assert f'id="{language}"' in page
    assert "Request body" in page and "Response 201" in page and "Response 200" in page


def test_each_client_library_shows_its_install_line_and_four_examples(db: None) -> None:
    page = Client().get("/api/v1/docs/", HTTP_HOST="localhost:8123").content.decode()
    for slug in ("python", "typescript", "php"):
        for topic in ("first-call", "paging", "rate-limit", "webhook"):
            assert f'id="sdk-{slug}-{topic}"' in page
    assert "npm install http://localhost:8123/api/v1/docs/sdks/patchbay-client-" in page
    assert "unzip patchbay-client-php-" in page
    # Each library's own calls, not another's
    assert "patchbay.paginate(&quot;customers_list&quot;)" in page
    assert "$patchbay-&gt;changedSince(&#x27;customers_list&#x27;, $since)" in page
    assert "catch (RateLimitedException $limited)" in page
    assert "new Webhook(process.env.PATCHBAY_WEBHOOK_SECRET)" in page


def test_the_docs_page_is_for_api_users_not_for_patchbay_developers(db: None) -> None:
    page = Client().get("/api/v1/docs/").content.decode()
    for internal in ("Why Django REST framework", "django-ninja", "drf-spectacular"):
        assert internal not in page


def test_the_docs_samples_use_the_address_the_reader_reached(db: None) -> None:
    page = Client().get("/api/v1/docs/", HTTP_HOST="localhost:8123").content.decode()
    assert 'pbk_…" http://localhost:8123/api/v1/invoices/' in page  # the curl sample
    assert "os.environ.get(&quot;PATCHBAY_URL&quot;, &quot;http://localhost:8123&quot;)" in page
    assert "process.env.PATCHBAY_URL ?? &quot;http://localhost:8123&quot;" in page
    assert "getenv(&#x27;PATCHBAY_URL&#x27;) ?: &#x27;http://localhost:8123&#x27;" in page
    assert ":8000" not in page and "patchbay.example" not in page


def test_the_docs_say_which_webhook_urls_these_settings_accept(db: None, settings: object) -> None:
    settings.WEBHOOKS_ALLOW_LOOPBACK_HTTP = False  # type: ignore[attr-defined]
    page = Client().get("/api/v1/docs/").content.decode()
    assert "Endpoint URLs: An https:// URL whose host resolves to public addresses only." in page
    assert "on this machine" not in page


def test_the_python_example_verifies_a_patchbay_event(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = signing.new_secret()
    monkeypatch.setenv("PATCHBAY_WEBHOOK_SECRET", secret)
    namespace: dict[str, object] = {}
    exec(compile((EXAMPLES / "verify.py").read_text(), "verify.py", "exec"), namespace)  # noqa: S102
    handle = namespace["handle"]
    assert handle(BODY.encode(), _signed(secret)) == 204  # type: ignore[operator]
    assert handle(BODY.replace("3", "4").encode(), _signed(secret)) == 400  # type: ignore[operator]


def _node(secret: str, headers: dict[str, str], body: str) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node, "Node.js is part of the machine image"
    script = (
        f"import {{ verifyPatchbayWebhook }} from {json.dumps((EXAMPLES / 'verify.mjs').as_uri())};"
        f"const event = verifyPatchbayWebhook({json.dumps(secret)}, {json.dumps(headers)},"
        f" {json.dumps(body)}); console.log(event.type);"
    )
    return subprocess.run(
        [node, "--input-type=module", "-e", script], capture_output=True, text=True, check=False
    )


def test_the_javascript_example_verifies_a_patchbay_event() -> None:
    secret, other = signing.new_secret(), signing.new_secret()
    good = _node(secret, _signed(secret), BODY)
    assert good.returncode == 0, good.stderr
    assert good.stdout.strip() == "quote.approved"
    rotated = signing.headers([other, secret], "evt_X", datetime.now(UTC), BODY)
    assert _node(secret, rotated, BODY).returncode == 0
    assert _node(secret, _signed(secret), BODY.replace("3", "4")).returncode != 0
    assert _node(secret, _signed(other), BODY).returncode != 0
