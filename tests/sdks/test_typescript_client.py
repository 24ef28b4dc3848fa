"""The TypeScript client's own suite (node's test runner) against a live Patchbay API."""

from __future__ import annotations

from tests.sdks.runner import ROOT, ensure_node_modules, run_suite

PACKAGE = ROOT / "sdks" / "typescript"


def test_the_typescript_client_passes_its_suite_against_the_live_api(
    live_api_env: dict[str, str],
) -> None:
    ensure_node_modules(PACKAGE)
    output = run_suite(["npm", "test"], live_api_env, PACKAGE)
    assert "# fail 0" in output
