"""Production: every secret and service from the environment (it refuses to start
without them), secure cookies and headers, WhiteNoise for static files. No sandbox:
none of its apps or settings."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.stores import caches, celery_transport, databases, rate_limit_store

ENV = "production"
IS_PRODUCTION = True

SECRET_KEY = env.str("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
DEBUG = env.bool("DJANGO_DEBUG", False)
if DEBUG:
    # Debug pages show settings and source to anyone who makes an error happen.
    raise ImproperlyConfigured("DJANGO_DEBUG=1 is refused in production: unset it or set it to 0.")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", [], subcast=str.strip)

DATABASE_URL = env.str("DATABASE_URL", "")
REDIS_URL = env.str("REDIS_URL", "")
if not (DATABASE_URL and REDIS_URL):
    raise ImproperlyConfigured("DATABASE_URL and REDIS_URL must be set in production.")
DATABASES = databases(DATABASE_URL, conn_max_age=60)
CACHES = caches(REDIS_URL)
CELERY_BROKER_URL, CELERY_RESULT_BACKEND, CELERY_BROKER_TRANSPORT_OPTIONS = celery_transport(
    REDIS_URL
)
API_RATE_LIMIT_STORE = rate_limit_store(REDIS_URL)

# The credential vault's Fernet keys, comma-separated, newest first: secrets are
# encrypted with the first and readable with any. Rotation: put a new key first, run
# `manage.py rotate_encryption_keys`, then drop the old key.
PATCHBAY_ENCRYPTION_KEYS = env.list("PATCHBAY_ENCRYPTION_KEYS", [], subcast=str.strip)
if not PATCHBAY_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("PATCHBAY_ENCRYPTION_KEYS must be set in production.")

EMAIL_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SILENCED_SYSTEM_CHECKS: list[str] = []

# WhiteNoise serves the collected, hashed static files, right after SecurityMiddleware.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[1:],
]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
