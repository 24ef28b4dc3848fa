"""``make run``: with no DATABASE_URL or REDIS_URL, the embedded defaults (SQLite, a
file cache and kombu's file-system broker under var/), so it needs no server."""

from config.settings.local import *  # noqa: F403
from config.settings.stores import caches, celery_transport, databases, rate_limit_store

ENV = "development"
DEBUG = env.bool("DJANGO_DEBUG", True)

DATABASE_URL = env.str("DATABASE_URL", "")
REDIS_URL = env.str("REDIS_URL", "")
DATABASES = databases(DATABASE_URL, conn_max_age=60)
CACHES = caches(REDIS_URL)
CELERY_BROKER_URL, CELERY_RESULT_BACKEND, CELERY_BROKER_TRANSPORT_OPTIONS = celery_transport(
    REDIS_URL
)
API_RATE_LIMIT_STORE = rate_limit_store(REDIS_URL)
