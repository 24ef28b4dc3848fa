"""The API access promise, end to end in Chromium, with a real worker delivering webhooks.

manager@demo.test creates a key and sees it once; a script lists invoices with it;
the key is revoked and the script's next call is refused. Then the manager adds a
webhook endpoint (a receiver on 127.0.0.1), sends a test event, and watches the
delivery land in the log.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect
from standardwebhooks.webhooks import Webhook

from operations.demo import DEMO_PASSWORD
from tests.e2e.conftest import screenshot
from tests.e2e.test_integrations_page import sign_in
from tests.webhooks import workers
from tests.webhooks.receiver import Receiver

pytestmark = [pytest.mark.e2e, pytest.mark.celery_worker]
LIST_INVOICES = Path(__file__).parents[2] / "templates" / "api" / "examples" / "list_invoices.py"


@pytest.fixture
def worker_queue(transactional_db: None, settings: Any) -> Iterator[str]:
    queue = f"test-{uuid.uuid4().hex[:8]}"
    settings.WEBHOOKS_QUEUE = queue  # the live server's wake-ups go to this worker only
    worker = workers.start_worker(workers.process_env(settings.REDIS_URL), queue, concurrency=1)
    yield queue
    workers.stop(worker)


def _list_invoices(base_url: str, key: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATCHBAY_URL": base_url, "PATCHBAY_API_KEY": key}
    return subprocess.run(
        [sys.executable, str(LIST_INVOICES)], env=env, capture_output=True, text=True, check=False
    )


def test_manager_creates_uses_and_revokes_a_key_then_receives_a_test_webhook(
    page: Page, live_server: Any, worker_queue: str, csp_violations: list[str]
) -> None:
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    sign_in(page, live_server.url, "manager@demo.test", DEMO_PASSWORD)
    card = page.locator('[data-slug="api"]')
    card.get_by_role("link", name="Manage").click()
    expect(page.get_by_role("heading", name="API access")).to_be_visible()

    page.get_by_role("link", name="Create API key").click()
    page.get_by_label("Name").fill("Invoice export script")
    page.get_by_label("Read-only (every module)").check()
    page.get_by_role("button", name="Create key").click()
    secret = page.get_by_test_id("new-secret").input_value()
    assert secret.startswith("pbk_")
    copy = page.locator('[data-copy="new-secret"]')
    # The copy script is deferred: click once the page has loaded it, as a person would
    # (a click under load came before the handler existed, and the button said nothing).
    page.wait_for_load_state("load")
    copy.click()
    expect(copy).to_have_text("Copied")  # the copy script runs from its static file
    screenshot(page, "api-key-created")
    page.get_by_role("link", name="Done").click()
    expect(page.get_by_test_id("key-row")).to_contain_text("Invoice export script")
    assert secret not in page.content()  # shown once only

    listed = _list_invoices(live_server.url, secret)
    assert listed.returncode == 0, listed.stderr
    assert "INV-" in listed.stdout

    page.get_by_role("link", name="Revoke Invoice export script").click()
    page.get_by_role("button", name="Revoke key").click()
    expect(page.get_by_test_id("key-state")).to_have_text("Revoked")
    refused = _list_invoices(live_server.url, secret)
    assert refused.returncode != 0
    assert "401" in refused.stderr and "revoked" in refused.stderr

    with Receiver() as receiver:
        page.get_by_role("link", name="Add endpoint").click()
        page.get_by_label("URL").fill(receiver.url())
        page.get_by_label("Description").fill("Accounts team listener")
        page.get_by_label("invoice.paid", exact=False).check()
        page.get_by_role("button", name="Add endpoint").click()
        signing_secret = page.get_by_test_id("new-secret").input_value()
        page.get_by_role("link", name="Done").click()
        page.get_by_role("button", name="Send test event").click()
        expect(page.get_by_role("heading", name="Webhook delivery logs")).to_be_visible()
        row = page.get_by_test_id("delivery-row").first
        expect(row).to_contain_text("webhook.test")
        expect(row.get_by_test_id("delivery-status")).to_have_text("Succeeded", timeout=30_000)
        expect(row.get_by_test_id("delivery-code")).to_contain_text("200")
        screenshot(page, "webhook-delivery-log")
        request = receiver.received[0]
    event = Webhook(signing_secret).verify(request.body, request.headers)
    assert event["type"] == "webhook.test"
    # Every page, the copy script and htmx's polling of the delivery log ran under the CSP.
    assert csp_violations == []


def test_the_docs_page_is_reachable_from_the_card_and_readable_on_a_phone(
    page: Page, live_server: Any, transactional_db: None
) -> None:
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    sign_in(page, live_server.url, "books@demo.test", DEMO_PASSWORD)
    page.locator('[data-slug="api"]').get_by_role("link", name="API docs").click()
    expect(page.get_by_role("heading", name="Patchbay API v1")).to_be_visible()
    expect(page.locator("#verify-php")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "api-docs-phone")
