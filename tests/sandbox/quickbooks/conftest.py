from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sandbox.quickbooks.seed import ensure_demo_world
from tests.sandbox.quickbooks import flow


@pytest.fixture(autouse=True)
def _quiet_notifications(settings: Any) -> None:
    """No webhook or Disconnect URL calls unless a test sets the URLs; inline delivery."""
    settings.SANDBOX_QUICKBOOKS_WEBHOOK_URL = ""
    settings.SANDBOX_QUICKBOOKS_DISCONNECT_URL = ""
    settings.SANDBOX_QUICKBOOKS_WEBHOOK_ASYNC = False


@pytest.fixture
def world(db: None) -> None:
    ensure_demo_world()


@pytest.fixture
def visitor(world: None) -> Client:
    return Client()


@pytest.fixture
def app(world: None) -> Client:
    return Client()


@pytest.fixture
def qbo(app: Client) -> flow.Qbo:
    """The app connected to the US demo company, with a fresh access token."""
    return flow.qbo_for(app)


@pytest.fixture
def qbo_uk(app: Client) -> flow.Qbo:
    return flow.qbo_for(app, flow.UK_REALM)
