from __future__ import annotations

import pytest
from django.test import Client

from sandbox.sage.seed import ensure_demo_world
from tests.sandbox.sage import flow


@pytest.fixture
def sage_world(db: None) -> None:
    ensure_demo_world()


@pytest.fixture
def browser(sage_world: None) -> Client:
    """The person's browser (session cookies); the app's server calls use `app_client`."""
    return Client()


@pytest.fixture
def app_client(sage_world: None) -> Client:
    return Client()


@pytest.fixture
def sage(app_client: Client) -> flow.Sage:
    """The app with a fresh access token, calling for Demo Hire Ltd (UK)."""
    return flow.sage_for(app_client)
