"""``make test``: real PostgreSQL and Redis (these defaults unless DATABASE_URL and
REDIS_URL say otherwise; tests/xdist_isolation.py gives each worker its own)."""

from config.settings.local import *  # noqa: F403
from config.settings.stores import caches, celery_transport, databases, rate_limit_store

ENV = "test"
IS_TEST = True
DEBUG = env.bool("DJANGO_DEBUG", False)

DATABASE_URL = env.str("DATABASE_URL", "") or "postgres://postgres@127.0.0.1:5432/patchbay"
REDIS_URL = env.str("REDIS_URL", "") or "redis://127.0.0.1:6379/1"
# Tests close every connection after use, so threads of the live server leave none behind.
DATABASES = databases(DATABASE_URL, conn_max_age=0)
CACHES = caches(REDIS_URL)
CELERY_BROKER_URL, CELERY_RESULT_BACKEND, CELERY_BROKER_TRANSPORT_OPTIONS = celery_transport(
    REDIS_URL
)
API_RATE_LIMIT_STORE = rate_limit_store(REDIS_URL)

# Hashing with the production hasher makes thousands of test logins slow.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
