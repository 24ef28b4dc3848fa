"""The PHP client's own suite (php tests/run.php) against a live Patchbay API."""

from __future__ import annotations

from tests.sdks.runner import ROOT, run_suite

LIBRARY = ROOT / "sdks" / "php"


def test_the_php_client_passes_its_suite_against_the_live_api(
    live_api_env: dict[str, str],
) -> None:
    output = run_suite(["php", "tests/run.php"], live_api_env, LIBRARY)
    assert "# fail 0" in output
