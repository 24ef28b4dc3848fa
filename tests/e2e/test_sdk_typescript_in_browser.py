"""The TypeScript client's built output in Chromium: pages the live API and verifies a
webhook with the browser's own fetch and WebCrypto (nothing of Node's)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Route

from tests.sdks.conftest import fresh_rate_limits, live_api_env
from tests.sdks.runner import ROOT, ensure_node_modules, run_suite

# The client libraries' live-API fixtures, used here. This test lives under tests/e2e so
# it shares that folder's one session-wide browser: importing `browser` into tests/sdks
# made a second session fixture, and a second Playwright started in the same process
# fails ("Sync API inside the asyncio loop").
__all__ = ["fresh_rate_limits", "live_api_env"]

pytestmark = pytest.mark.e2e

PACKAGE = ROOT / "sdks" / "typescript"
PREFIX = "/__client-library/"  # a path the test serves itself, on the live server's origin

SCRIPT = """async (env) => {
  const lib = await import(env.prefix + "dist/index.js");
  const patchbay = new lib.PatchbayClient({ apiKey: env.key, baseUrl: env.url });
  const ids = new Set();
  for await (const customer of patchbay.paginate("customers_list")) ids.add(customer.id);

  const sample = JSON.parse(env.sample);
  const headers = new Headers({
    "webhook-id": sample.id,
    "webhook-timestamp": sample.timestamp,
    "webhook-signature": sample.signature,
  });
  const webhook = new lib.Webhook(env.secret);
  const payload = await webhook.verify(sample.body, headers);
  const tampered = await webhook.verify(sample.body.replace("{", "{ "), headers).then(
    () => "accepted",
    (error) => error.name,
  );
  const readOnly = new lib.PatchbayClient({ apiKey: env.readOnly, baseUrl: env.url });
  const refused = await readOnly.call("customers_create", { body: { name: "Browser Ltd" } }).then(
    () => "created",
    (error) => [error.name, error.requiredScope],
  );
  return { customers: ids.size, payload, body: JSON.parse(sample.body), tampered, refused };
}"""


def _serve(dist: Path) -> Any:
    def fulfil(route: Route) -> None:
        name = route.request.url.split(PREFIX, 1)[1]
        if name == "index.html":
            route.fulfill(body="<!doctype html><title>client</title>", content_type="text/html")
            return
        route.fulfill(path=str(dist / name.removeprefix("dist/")), content_type="text/javascript")

    return fulfil


def test_the_built_client_pages_and_verifies_webhooks_in_chromium(
    live_api_env: dict[str, str], page: Page
) -> None:
    ensure_node_modules(PACKAGE)
    run_suite(["npm", "run", "build"], {}, PACKAGE)
    origin = live_api_env["PATCHBAY_API_URL"].removesuffix("/api/v1")
    # Served on the API's own origin, as an internal tool would be: the API sends no CORS.
    page.route(f"{origin}{PREFIX}**", _serve(PACKAGE / "dist"))
    page.goto(f"{origin}{PREFIX}index.html")
    result = page.evaluate(
        SCRIPT,
        {
            "prefix": PREFIX,
            "url": live_api_env["PATCHBAY_API_URL"],
            "key": live_api_env["PATCHBAY_API_KEY"],
            "readOnly": live_api_env["PATCHBAY_READONLY_KEY"],
            "secret": live_api_env["PATCHBAY_WEBHOOK_SECRET"],
            "sample": live_api_env["PATCHBAY_WEBHOOK_SAMPLE"],
        },
    )
    assert result["customers"] == 250
    assert result["payload"] == result["body"]
    assert result["tampered"] == "WebhookVerificationError"
    assert result["refused"] == ["ScopeRefusedError", "customers:write"]
