"""Makes sure the PostgreSQL and Redis that the suite uses are up.

Reads DATABASE_URL and REDIS_URL. A local server that is installed but stopped is
started with the machine's own service commands; a missing one gets a clear message.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

import psycopg
import redis

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", ""}
WAIT_SECONDS = 30


def postgres_up(url: str) -> bool:
    parts = urlparse(url)
    try:
        # Connect to the maintenance database: the suite creates its own test database.
        with psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or None,
            dbname="postgres",
            connect_timeout=3,
        ):
            return True
    except psycopg.OperationalError:
        return False


def redis_up(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=3).ping())
    except redis.RedisError:
        return False


def start_postgres() -> bool:
    versions = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").is_dir() else []
    if not shutil.which("pg_ctlcluster") or not versions:
        return False
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1].name, "main", "start"]
    return subprocess.run(command, check=False).returncode == 0


def start_redis(url: str) -> bool:
    if not shutil.which("redis-server"):
        return False
    port = str(urlparse(url).port or 6379)
    command = [
        "redis-server",
        "--daemonize",
        "yes",
        "--bind",
        "127.0.0.1",
        "-::1",
        "--port",
        port,
        "--save",
        "",
        "--appendonly",
        "no",
    ]
    return subprocess.run(command, check=False).returncode == 0


Check = Callable[[str], bool]


def wait_until(check: Check, url: str) -> bool:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if check(url):
            return True
        time.sleep(0.5)
    return False


def ensure(
    name: str, url: str, check: Check, start: Callable[[], bool], install_hint: str
) -> str | None:
    if check(url):
        return None
    host = urlparse(url).hostname or ""
    if host not in LOCAL_HOSTS:
        return f"{name} at {host} is not answering. Check that {name} URL, or start that server."
    print(f"{name} is not answering on {host}; starting the local server…", flush=True)
    if not start():
        return f"{name} is not installed here. {install_hint}"
    if not wait_until(check, url):
        return f"{name} was started but still does not answer at {url}."
    return None


def main() -> int:
    database_url = os.environ["DATABASE_URL"]
    redis_url = os.environ["REDIS_URL"]
    problems = [
        ensure(
            "PostgreSQL",
            database_url,
            postgres_up,
            start_postgres,
            "Install it (e.g. `apt-get install postgresql`) or set DATABASE_URL.",
        ),
        ensure(
            "Redis",
            redis_url,
            redis_up,
            lambda: start_redis(redis_url),
            "Install it (e.g. `apt-get install redis-server`) or set REDIS_URL.",
        ),
    ]
    found = [p for p in problems if p]
    for problem in found:
        print(f"make test: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
