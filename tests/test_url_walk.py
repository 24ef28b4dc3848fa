"""Walks every URL pattern of the project as every kind of visitor.

Each URL is requested with GET and with an empty POST as: an anonymous visitor, each
role of Alpha, Bravo's owner (the outsider to Alpha) and platform staff. URLs that
take an object are built with Alpha's objects. The walk fails on any server error,
on any page that shows a visitor another organisation's data, and on any Alpha
object page that the outsider can open. A new URL pattern that the walk cannot
build fails it until the walk is taught how.
"""

from __future__ import annotations

from typing import Any

import pytest

from tenancy.roles import Role
from tests.conftest import Tenants
from tests.walk import (
    ALPHA_MARKER,
    BRAVO_MARKER,
    CREW_MARKER,
    CREW_OWNED,
    PK_SOURCES,
    ROUTES,
    World,
    make_world,
    request_as,
    url_for,
    visitors,
)


@pytest.fixture
def world(tenants: Tenants, settings: Any) -> World:
    return make_world(tenants, settings)


def _forbidden_markers(visitor: str) -> tuple[str, ...]:
    if visitor == "outsider":
        return (ALPHA_MARKER, CREW_MARKER)
    if visitor in {"anonymous", "staff"}:
        return ()  # anonymous pages hold no tenant data; staff run the platform
    if visitor == Role.CREW:
        return (BRAVO_MARKER,)
    return (BRAVO_MARKER, CREW_MARKER)  # another user of Alpha: not the crew's own


@pytest.mark.slow
# Every route as every visitor: minutes of work; on a machine shared with other jobs it
# has taken over ten, so it gets more than the suite's per-test limit.
@pytest.mark.timeout(1800)
def test_walk_covers_every_pattern_and_finds_no_error_or_leak(world: World) -> None:
    failures: list[str] = []
    visited = 0
    for route in ROUTES:
        url = url_for(route, world)
        is_object_page = route.name in PK_SOURCES
        for visitor, user in visitors(world).items():
            for method in ("GET", "POST"):
                response = request_as(user, method, url)
                visited += 1
                body = response.content.decode(errors="replace")
                if response.status_code >= 500:
                    failures.append(f"{method} {url} as {visitor}: {response.status_code}")
                for marker in _forbidden_markers(visitor):
                    if marker in body:
                        failures.append(f"{method} {url} as {visitor}: shows {marker}")
                if visitor == "outsider" and is_object_page and response.status_code < 300:
                    failures.append(f"{method} {url} as outsider: {response.status_code}")
                others = visitor not in (Role.CREW, "staff")
                if others and route.name in CREW_OWNED and response.status_code < 300:
                    failures.append(f"{method} {url} as {visitor}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert visited == len(ROUTES) * len(visitors(world)) * 2


def test_walk_knows_every_project_url() -> None:
    names = {route.name for route in ROUTES}
    assert "integrations:index" in names
    assert {f"integrations:card-{slug}" for slug in ("xero", "api", "icloud")} <= names
    assert {"login", "logout", "password_reset", "healthz", "tenancy:profile"} <= names
    assert "status:page" in names  # the public status page, walked as every visitor
    assert all(name in names for name in PK_SOURCES)
