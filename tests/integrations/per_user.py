"""Two per-user OAuth integrations of the test's own, for the platform's per-user
behaviour before any real per-user provider is connectable: registered for one test,
their URLs generated, their provider's wire protocol mocked with `responses`."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import responses
from django.test import Client
from django.urls import clear_url_caches

from integrations import registry
from integrations.models import Connection
from integrations.providers import OAuthProvider, RemoteOrganisation
from integrations.registry import Category, Integration

AUTHORIZE_URL = "https://accounts.example.test/authorize"
TOKEN_URL = "https://accounts.example.test/token"
REVOKE_URL = "https://accounts.example.test/revoke"


class ExampleCalendarProvider(OAuthProvider):
    slug = "example-calendar"
    name = "Example Calendar"
    scopes = ("calendar.events",)
    authorize_url_setting = "EXAMPLE_AUTHORIZE_URL"
    token_url_setting = "EXAMPLE_TOKEN_URL"
    revocation_url_setting = "EXAMPLE_REVOKE_URL"
    client_id_setting = "EXAMPLE_CLIENT_ID"
    client_secret_setting = "EXAMPLE_CLIENT_SECRET"

    def subject(self, token: dict[str, Any]) -> str:
        return str(token["account"])

    def organisations(self, token: dict[str, Any]) -> list[RemoteOrganisation]:
        # One calendar account per consent: the account itself.
        return [RemoteOrganisation(remote_id=token["account"], name=token["account"])]

    def remove_remote_connection(self, connection: Connection) -> None:
        return None

    def check(self, connection: Connection) -> None:
        return None


class OtherCalendarProvider(ExampleCalendarProvider):
    slug = "other-calendar"
    name = "Other Calendar"


def _entry(slug: str, name: str, provider: type[OAuthProvider]) -> Integration:
    return Integration(
        slug=slug,
        name=name,
        category=Category.CALENDARS,
        description=f"{name} for tests.",
        available=True,
        per_user=True,
        exclusive_group="calendar",
        provider_path=f"{__name__}.{provider.__name__}",
    )


ENTRIES = (
    _entry("example-calendar", "Example Calendar", ExampleCalendarProvider),
    _entry("other-calendar", "Other Calendar", OtherCalendarProvider),
)


def _reload_urls() -> None:
    import config.urls
    import integrations.urls

    importlib.reload(integrations.urls)
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.fixture
def per_user_integrations(settings: Any) -> Iterator[tuple[Integration, ...]]:
    settings.EXAMPLE_AUTHORIZE_URL = AUTHORIZE_URL
    settings.EXAMPLE_TOKEN_URL = TOKEN_URL
    settings.EXAMPLE_REVOKE_URL = REVOKE_URL
    settings.EXAMPLE_CLIENT_ID = "example-client"
    settings.EXAMPLE_CLIENT_SECRET = "example-secret"
    registry.register(ENTRIES)
    _reload_urls()
    yield ENTRIES
    for entry in ENTRIES:
        registry.unregister(entry.slug)
    _reload_urls()


def connect_own(client: Client, slug: str, account: str) -> Any:
    """Connect through the flow as the client's user, the provider answering for
    `account`; returns the callback's response."""
    started = client.post(f"/settings/integrations/{slug}/connect/")
    assert started.status_code == 302, started
    state = parse_qs(urlparse(started["Location"]).query)["state"][0]
    body = {
        "access_token": f"at-{account}",
        "refresh_token": f"rt-{account}",
        "expires_in": 3600,
        "token_type": "Bearer",
        "account": account,
    }
    with responses.RequestsMock() as mocked:
        mocked.add(responses.POST, TOKEN_URL, json=body)
        return client.get(f"/settings/integrations/{slug}/callback/", {"code": "c", "state": state})
