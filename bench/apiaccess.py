"""Shared by the API access benchmarks: a throwaway database and Django on top of it.

The benchmark database is ``<DATABASE_URL's name>_bench``: created and migrated for
the run, dropped afterwards, so the developer's own data is never touched. (Not a
benchmark itself: the harness only runs ``bench_*.py``.)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg


def _bench_url() -> tuple[str, str]:
    parts = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/patchbay"))
    name = f"{parts.path.lstrip('/') or 'patchbay'}_bench"
    return urlunsplit(parts._replace(path=f"/{name}")), name


def _admin(sql: str) -> None:
    parts = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/x"))
    with psycopg.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(sql)


@contextmanager
def bench_database() -> Iterator[str]:
    """Django on a fresh, migrated benchmark database; yields its DATABASE_URL."""
    url, name = _bench_url()
    given = os.environ.get("DATABASE_URL")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("PATCHBAY_ENV", "test")
    os.environ["DATABASE_URL"] = url
    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    connections.close_all()
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)
    try:
        yield url
    finally:
        connections.close_all()
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        # Another bench_database in the same process gets the same name (Django's
        # settings, read once, keep pointing at it).
        if given is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = given


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]
