"""The cross-tenant walk: each organisation in turn, every role of it, every page, API
list and CSV export, with the other organisation's rows present; it fails on the other
organisation's marker anywhere in a response. Also ``unscoped``, which seeds the very
defect the walk looks for (a query with its organisation filter removed)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from unittest import mock

import redis
from django.conf import settings
from django.db.models import Model
from django.db.models.query import QuerySet
from django.test import Client
from django.urls import reverse

from tenancy.models import Organisation, User
from tests.tenant_rows import Secrets
from tests.walk import ALPHA_MARKER, BRAVO_MARKER, ROUTES, Route, World, url_for

# What the walk leaves to the other walks: the admin (platform staff see every tenant),
# the sandboxes (the providers' side, not Patchbay's tenants) and unnamed catch-alls.
SKIPPED_PREFIXES = ("admin:", "sandbox:")

# CSV exports: a page's data as a download, reached by a query on the page's URL.
EXPORTS = {"accounting:reconciliation": "format=csv"}


@dataclass(frozen=True)
class Side:
    """One organisation as the walk visits it: its users, records and keys."""

    organisation: Organisation
    marker: str
    other_marker: str
    users: dict[str, User]
    records: dict[str, Any]
    secrets: Secrets


def sides(world: World) -> list[Side]:
    tenants = world.tenants
    return [
        Side(
            tenants.alpha,
            ALPHA_MARKER,
            BRAVO_MARKER,
            tenants.by_role,
            world.alpha,
            world.secrets[tenants.alpha.pk],
        ),
        Side(
            tenants.bravo,
            BRAVO_MARKER,
            ALPHA_MARKER,
            world.bravo_by_role,
            world.bravo,
            world.secrets[tenants.bravo.pk],
        ),
    ]


def walked_routes() -> list[Route]:
    return [
        route
        for route in ROUTES
        if route.name is not None and not route.name.startswith(SKIPPED_PREFIXES)
    ]


def urls_of(route: Route, world: World, side: Side) -> list[str]:
    """The route's URL built from the side's own records, and its export if it has one."""
    url = url_for(route, world, side.records)
    export = EXPORTS.get(route.name or "")
    return [url, f"{url}?{export}"] if export else [url]


def _visitors(route: Route, side: Side, roles: tuple[str, ...] | None) -> dict[str, Client]:
    """The API with the organisation's key, the public API with its website key; every
    other page as each chosen role of the organisation (every role by default)."""
    name = route.name or ""
    if name.startswith("api:"):
        return {"its API key": Client(HTTP_AUTHORIZATION=f"Bearer {side.secrets.api_key}")}
    if name.startswith("public_api:"):
        website = Client(HTTP_AUTHORIZATION=f"Bearer {side.secrets.website_key}")
        return {"its website key": website}
    clients = {}
    for role, user in side.users.items():
        if roles is None or role in roles:
            client = Client()
            client.force_login(user)
            clients[role] = client
    return clients


def leaks(
    world: World,
    side: Side,
    routes: list[Route],
    roles: tuple[str, ...] | None = None,
    seen: dict[str, str] | None = None,
) -> list[str]:
    """Every GET of ``routes`` by ``side``'s visitors that shows the other side's marker
    (or errors). ``seen``, if given, collects each URL's body as the side's owner saw it."""
    found: list[str] = []
    clients: dict[tuple[str, str], Client] = {}
    for route in routes:
        for visitor, fresh in _visitors(route, side, roles).items():
            client = clients.setdefault((route.name or "", visitor), fresh)
            for url in urls_of(route, world, side):
                response = client.get(url)
                body = response.content.decode(errors="replace")
                where = f"GET {url} as {side.organisation.name}'s {visitor}"
                if response.status_code >= 500:
                    found.append(f"{where}: {response.status_code}")
                if side.other_marker in body:
                    found.append(f"{where}: shows {side.other_marker}")
                if seen is not None and visitor in ("owner", "its API key", "its website key"):
                    seen[url] = body
    return found


def _is_organisation_lookup(key: str) -> bool:
    """``organisation=``, ``organisation_id=``, ``websitesettings__organisation_id=``…"""
    return bool({"organisation", "organisation_id"} & set(key.split("__")))


@contextmanager
def unscoped(*models: type[Model]) -> Iterator[None]:
    """Seeds the defect the walk exists to catch: every query of ``models`` loses its
    organisation filter (``for_organisation``, ``scoped``, ``filter(organisation=…)``,
    ``get(organisation_id=…)`` all pass through ``QuerySet.filter``)."""
    real_filter = QuerySet.filter

    def filter_without_organisation(self: QuerySet[Any], *args: Any, **kwargs: Any) -> Any:
        if self.model in models:
            kwargs = {k: v for k, v in kwargs.items() if not _is_organisation_lookup(k)}
        return real_filter(self, *args, **kwargs)

    forget_public_answers()  # a cached answer would hide the defect
    with mock.patch.object(QuerySet, "filter", filter_without_organisation):
        yield
    forget_public_answers()


def forget_public_answers() -> None:
    """The public API caches its answers and key lookups in Redis, and counts each
    caller address's calls there: start afresh (this run's Redis db only)."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    for pattern in ("*pub:*", "*wk:*", "*wp-usage:*", "rl:{website-*", "lu:{website-*"):
        for key in client.scan_iter(pattern):
            client.delete(key)


def reconciliation_csv() -> str:
    return f"{reverse('accounting:reconciliation')}?{EXPORTS['accounting:reconciliation']}"
