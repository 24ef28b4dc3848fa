from __future__ import annotations

import pytest
from django.test import Client

from sandbox.xero.seed import ensure_demo_world
from tests.sandbox import flow


@pytest.fixture
def world(db: None) -> None:
    ensure_demo_world()


@pytest.fixture
def visitor(world: None) -> Client:
    """The person's browser (session cookies); the app's server calls use `app`."""
    return Client()


@pytest.fixture
def app(world: None) -> Client:
    return Client()


@pytest.fixture
def xero(app: Client) -> flow.Xero:
    """The app with a fresh token for Demo Company (UK) and Harbour Build Ltd, all scopes."""
    return flow.xero_for(app)
