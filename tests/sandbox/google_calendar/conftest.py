"""The Google Calendar sandbox through django.test.Client (an app with a fresh token for
the crew member's account), and Google's discovery document read in place."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client

from sandbox.google_calendar import seed

# The live-server sandbox and a crew member's connection, for the client's contract.
from tests.calendars.providers.google.conftest import crew, google  # noqa: F401
from tests.sandbox.google_calendar import discovery
from tests.sandbox.google_calendar.flow import Google, google_for


@pytest.fixture
def world(db: None) -> None:
    seed.ensure_demo_world()


@pytest.fixture
def app(world: None) -> Client:
    return Client()


@pytest.fixture
def api(app: Client) -> Google:
    """The app with an access token for the crew member's account (Patchbay's scopes)."""
    return google_for(app)


@pytest.fixture(scope="session")
def spec(specs_dir: Path) -> discovery.Discovery:
    path = specs_dir / "google-calendar" / "calendar-api.json"
    if not path.is_file():
        reason = f"Google's discovery document {path} is absent from the specs folder."
        if os.environ.get("REQUIRE_SPECS") == "1":
            pytest.fail(f"REQUIRE_SPECS=1 but {reason}")
        pytest.skip(reason)
    return discovery.load(path)
