"""Walks every URL pattern with hostile query-string, form and JSON values.

First each URL is requested plainly (GET and an empty POST) by the visitors who reach
the most code: an anonymous visitor, and an Alpha owner who is also platform staff (an
API key under /api/). That records which keys each view reads from the query string or
form (tests/query_reads.py), so there is no list of parameters to keep up to date: a
new view or field is covered as it lands. Then the visitors who read them send each
hostile value in every one of those keys at once, and every other kind of visitor (each
role, the outsider, staff, anonymous) a rotating third of the values, so that each
value meets every kind of visitor across the pages. Every URL also gets a signed,
authenticated POST (PUT and PATCH too, under the API) of deeply nested JSON. The walk
fails on any server error.

To keep it within CI's budget, the Django admin's pages (the same generic views for
every model) each get a rotating third of the values, from staff, the only visitors
they read anything for. A view that takes the whole query dict at once
(``request.GET.dict()``) hides its keys: it fails the walk until OPAQUE_KEYS names them.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tenancy.roles import Role
from tests.api.helpers import elevate, make_key
from tests.conftest import Tenants
from tests.factories import make_user
from tests.integrations.provider_webhooks.notify import signature
from tests.query_reads import Reads, recording
from tests.walk import ROUTES, Route, World, make_world, url_for, visitors

# Each value as it goes on the wire (percent-encoded), so that bytes no str can hold
# (a lone UTF-16 surrogate, CESU-8 encoded) can be sent too.
HOSTILE: dict[str, str] = {
    "huge integer": "9" * 30,
    "huge negative integer": "-" + "9" * 30,
    "superscript digit": quote("²"),
    "overlong": "9" * 5000,  # also past int()'s 4,300-digit limit
    "NUL": quote("1\x00"),
    "lone surrogate": "%ED%A0%80",
    "malformed URL": quote("https://[::1"),
    "malformed month": quote("9999-12"),
    "malformed date": quote("2024-13-45"),
}
JSON_BOMB = b"[" * 100_000
PROBE = "walk-probe"

# Views that take the whole query dict at once, and the keys they read from it.
OPAQUE_KEYS: dict[str, tuple[str, ...]] = {
    "integrations:callback-*": ("code", "state", "error", "error_description", "realmId"),
    # The changelist's filters and the add form's initial values: any field lookup.
    "admin:*": (
        "q",
        "o",
        "p",
        "e",
        "all",
        "id__exact",
        "organisation__id__exact",
        "created_at__gte",
        "status__exact",
        "name",
        "organisation",
    ),
    "sandbox:*:authorize": (
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "code_challenge",
        "code_challenge_method",
        "nonce",
        "prompt",
    ),
    "sandbox:*:token": (
        "grant_type",
        "code",
        "redirect_uri",
        "code_verifier",
        "refresh_token",
        "client_id",
        "client_secret",
    ),
    "sandbox:*:revoke*": ("token", "token_type_hint", "client_id", "client_secret"),
    "sandbox:xero:*": ("where", "order", "page", "pageSize", "summaryOnly", "ContactIDs"),
    "sandbox:sage:*": ("page", "items_per_page", "updated_or_created_since", "search"),
    # The public API looks at every parameter's name and value for a key sent in the URL.
    "public_api:*": ("from", "to", "category", "item"),
}


@dataclass
class Visitor:
    name: str
    client: Callable[[], Client]


@pytest.fixture
def world(tenants: Tenants, settings: Any) -> World:
    return make_world(tenants, settings)


@pytest.fixture
def every_visitor(world: World, settings: Any) -> dict[str, Visitor]:
    """Each role, the outsider, staff and anonymous (sessions); an Alpha API key and
    website key; and an Alpha owner who is also staff (reaches the pages and the admin)."""
    found = {name: Visitor(name, _session_client(user)) for name, user in visitors(world).items()}
    key, secret = make_key(world.tenants.alpha)
    elevate(key)  # the walk sends thousands of calls; its limits are not under test
    found["api key"] = Visitor("api key", lambda: Client(HTTP_AUTHORIZATION=f"Bearer {secret}"))
    website = f"Bearer {_website_key(world, settings)}"
    found["website key"] = Visitor("website key", lambda: Client(HTTP_AUTHORIZATION=website))
    superowner = make_user("superowner@alpha.test", world.tenants.alpha, Role.OWNER)
    superowner.is_staff = superowner.is_superuser = True
    superowner.save()
    found["superowner"] = Visitor("superowner", _session_client(superowner))
    return found


def _website_key(world: World, settings: Any) -> str:
    """Alpha's website key, with limits the walk's thousands of calls stay within."""
    from apikeys import website_keys

    settings.WEBSITE_RATE_LIMITS = settings.WEBSITE_IP_RATE_LIMITS = {
        "minute": (10**6, 60),
        "hour": (10**7, 3600),
    }
    return website_keys.issue(world.tenants.alpha)[1]


def _session_client(user: Any) -> Callable[[], Client]:
    def make() -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


class Walk:
    """Sends the requests, recording the keys read and every server error."""

    def __init__(self, reads: Reads) -> None:
        self.reads = reads
        self.failures: list[str] = []
        self.requests = 0
        self.turn = 0  # where the next rotating third of HOSTILE starts

    def send(self, client: Client, method: str, url: str, label: str, **kwargs: Any) -> None:
        self.reads.clear()
        self.requests += 1
        try:
            response = getattr(client, method.lower())(url, **kwargs)
        except Exception as error:  # the test client re-raises a view's exception
            self.failures.append(f"{method} {url} {label}: {type(error).__name__}: {error}"[:400])
            return
        if response.status_code >= 500:
            self.failures.append(f"{method} {url} {label}: {response.status_code}")

    def a_third_of_hostile(self) -> list[str]:
        names = list(HOSTILE)
        third = len(names) // 3
        self.turn = (self.turn + third) % len(names)
        return [names[(self.turn + i) % len(names)] for i in range(third)]


def _encoded(keys: Iterable[str], value: str) -> str:
    return "&".join(f"{quote(key)}={value}" for key in sorted(keys))


def _opaque_keys(route: Route) -> tuple[str, ...] | None:
    name = route.name or route.route
    for pattern, keys in OPAQUE_KEYS.items():
        if fnmatch.fnmatchcase(name, pattern):
            return keys
    return None


def _kind(route: Route) -> str:
    name = route.name or route.route
    for kind in ("admin", "api", "sandbox", "public_api"):
        if name.startswith((f"{kind}:", f"{kind}/")):
            return kind
    return "page"


def _first_visitors(route: Route, everyone: dict[str, Visitor]) -> list[Visitor]:
    kind = _kind(route)
    reacher = everyone[{"api": "api key", "public_api": "website key"}.get(kind, "superowner")]
    return [everyone["anonymous"], reacher]


def _readers(
    walk: Walk, route: Route, url: str, method: str, first: list[Visitor]
) -> tuple[set[str], list[Visitor]]:
    """The keys the view reads, and the visitors for whom it read any."""
    keys: set[str] = set()
    readers: list[Visitor] = []
    for visitor in first:
        # One unread key, so that `request.POST or None` binds the view's form.
        walk.send(visitor.client(), method, url, f"as {visitor.name}", data={PROBE: "1"})
        if walk.reads.opaque:
            known = _opaque_keys(route)
            if known is None:
                walk.failures.append(
                    f"{method} {url} reads the whole query dict: name its keys in OPAQUE_KEYS."
                )
            walk.reads.keys |= set(known or ())
        walk.reads.keys.discard(PROBE)
        if walk.reads.keys:
            keys |= walk.reads.keys
            readers.append(visitor)
    return keys, readers


def _send_hostile(
    walk: Walk, url: str, method: str, keys: set[str], visitor: Visitor, values: list[str]
) -> None:
    client = visitor.client()
    for name in values:
        label = f"as {visitor.name} with {name} in {sorted(keys)}"
        encoded = _encoded(keys, HOSTILE[name])
        if method == "GET":
            walk.send(client, method, f"{url}?{encoded}", label)
        else:
            form = "application/x-www-form-urlencoded"
            walk.send(client, method, url, label, data=encoded, content_type=form)
        keys |= walk.reads.keys  # a field read only once another one is set


def _replay(
    walk: Walk, route: Route, url: str, method: str, everyone: dict[str, Visitor]
) -> set[str]:
    if method == "POST" and _kind(route) == "admin" and (route.name or "").endswith("_delete"):
        # Any non-empty POST confirms the admin's delete page: the walk would delete
        # the users and records it walks with. The URL walk's empty POST covers it.
        return set()
    keys, readers = _readers(walk, route, url, method, _first_visitors(route, everyone))
    if not keys:
        return keys
    kind = _kind(route)
    for reader in readers:
        values = walk.a_third_of_hostile() if kind == "admin" else list(HOSTILE)
        _send_hostile(walk, url, method, keys, reader, values)
    if kind == "page":
        for visitor in everyone.values():
            if visitor not in readers:
                _send_hostile(walk, url, method, keys, visitor, walk.a_third_of_hostile())
    return keys


def _send_json_bomb(walk: Walk, route: Route, url: str, owner: Client) -> None:
    headers = {
        "x-xero-signature": signature(django_settings.XERO_WEBHOOK_KEY, JSON_BOMB),
        "intuit-signature": signature(django_settings.QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN, JSON_BOMB),
    }
    methods = ("POST", "PUT", "PATCH") if (route.name or "").startswith("api:") else ("POST",)
    for method in methods:
        walk.send(
            owner,
            method,
            url,
            "with 100,000 nested arrays",
            data=JSON_BOMB,
            content_type="application/json",
            headers=headers,
        )


@pytest.mark.slow
# Every route as every visitor: minutes of work; on a machine shared with other jobs it
# has taken over ten, so it gets more than the suite's per-test limit.
@pytest.mark.timeout(1800)
def test_no_hostile_value_in_any_parameter_a_view_reads_is_a_server_error(
    world: World, every_visitor: dict[str, Visitor]
) -> None:
    covered: dict[str, set[str]] = {}
    with recording() as reads:
        walk = Walk(reads)
        for route in ROUTES:
            url = url_for(route, world)
            for method in ("GET", "POST"):
                keys = _replay(walk, route, url, method, every_visitor)
                if keys:
                    covered[f"{method} {route.name or route.route}"] = keys
            _send_json_bomb(walk, route, url, _api_and_session(every_visitor))
    assert not walk.failures, "\n".join(walk.failures)
    # The recording found the parameters of the pages the defect reports named.
    assert {"run", "before", "since"} <= covered["GET accounting:audit_log"]
    assert "month" in covered["GET accounting:reconciliation"]
    assert "connection" in covered["GET accounting:mappings"]
    assert "organisation" in covered["POST tenancy:switch_organisation"]
    assert "url" in covered["POST apikeys:webhooks:endpoint_create"]
    assert "updated_since" in covered["GET api:invoice-list"]


def _api_and_session(everyone: dict[str, Visitor]) -> Client:
    """Alpha's owner signed in and carrying the API key: reaches every JSON parser."""
    client = everyone["superowner"].client()
    client.defaults.update(everyone["api key"].client().defaults)
    return client
