"""The last step of a browser sync: the card says Synced, or the failure says why."""

from __future__ import annotations

from playwright.sync_api import Locator, expect

from integrations.models import SyncRun


def assert_card_synced(card: Locator, provider: str) -> None:
    """``card`` reads "Synced"; if it does not, the failure names the provider's runs,
    their outcomes and errors (a walk-through failed now and then under load in CI with
    no clue to why)."""
    try:
        expect(card.get_by_test_id("card-sync")).to_contain_text("Synced ")
    except AssertionError as failure:
        runs = [
            (run.trigger, run.status, run.errors)
            for run in SyncRun.objects.filter(connection__provider=provider).order_by("pk")
        ]
        raise AssertionError(
            f"{failure}\n{provider} runs (trigger, status, errors): {runs}"
        ) from None
