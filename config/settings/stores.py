"""The data stores a profile builds from its DATABASE_URL and REDIS_URL.

With them: PostgreSQL (or whatever DATABASE_URL names) and Redis for the cache, the
Celery broker and results, and the API rate-limit counters. Without them (make
run's embedded default): SQLite, a file cache, and kombu's file-system transport,
which needs no server and is shared by the web, worker and beat processes through
var/broker.
"""

from __future__ import annotations

from typing import Any

import dj_database_url

from config.settings.base import VAR_DIR


def databases(url: str, *, conn_max_age: int) -> dict[str, Any]:
    if url:
        return {"default": dj_database_url.parse(url, conn_max_age=conn_max_age)}
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "patchbay.sqlite3"),
            # Web, worker and beat share the file: wait for locks instead of failing.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }


def caches(redis_url: str) -> dict[str, Any]:
    if redis_url:
        backend = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "patchbay",
        }
    else:
        backend = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    return {"default": backend}


def celery_transport(redis_url: str) -> tuple[str, str, dict[str, object]]:
    """The broker URL, result backend and broker transport options."""
    if redis_url:
        return redis_url, redis_url, {}
    broker_dir = VAR_DIR / "broker"
    results_dir = VAR_DIR / "celery-results"
    options: dict[str, object] = {
        "data_folder_in": str(broker_dir / "queue"),
        "data_folder_out": str(broker_dir / "queue"),
        "processed_folder": str(broker_dir / "processed"),
        "store_processed": False,
        # Exchange tables; kombu's default is "control" in the working directory.
        "control_folder": str(broker_dir / "control"),
    }
    # The transport and the result backend expect their folders to exist already.
    for folder in ("queue", "processed", "control"):
        (broker_dir / folder).mkdir(parents=True, exist_ok=True)
    results_dir.mkdir(parents=True, exist_ok=True)
    return "filesystem://", f"file://{results_dir}", options


def rate_limit_store(redis_url: str) -> str:
    """Where API rate-limit counters live: Redis, or a SQLite file beside the database."""
    return "redis" if redis_url else "sqlite"
