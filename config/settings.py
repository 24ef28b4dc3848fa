"""Patchbay settings: one module, driven by the environment.

PATCHBAY_ENV selects the profile: ``development`` (default, embedded SQLite and a
file-system broker so ``make run`` needs no server), ``test`` (real PostgreSQL and
Redis, as ``make test`` provides) or ``production`` (secure cookies and headers,
every secret from the environment).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

# Lets admin and form classes be subscripted for type checking at run time too.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PATCHBAY_VAR_DIR", BASE_DIR / "var"))

ENV = os.environ.get("PATCHBAY_ENV", "development")
if ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"PATCHBAY_ENV must be development, test or production, not {ENV!r}")
IS_PRODUCTION = ENV == "production"
IS_TEST = ENV == "test"


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    key = os.environ.get("DJANGO_SECRET_KEY", "")
    if key:
        return key
    if IS_PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production.")
    # Development and test only: a fixed key keeps sessions valid across restarts.
    return "dev-insecure-patchbay-key-never-use-in-production-0123456789abcdef"


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("DJANGO_DEBUG", "1" if ENV == "development" else "0") == "1"
if IS_PRODUCTION and DEBUG:
    # Debug pages show settings and source to anyone who makes an error happen.
    raise ImproperlyConfigured("DJANGO_DEBUG=1 is refused in production: unset it or set it to 0.")
ALLOWED_HOSTS = _env_list(
    "DJANGO_ALLOWED_HOSTS", "" if IS_PRODUCTION else "127.0.0.1,localhost,testserver,[::1]"
)
CSRF_TRUSTED_ORIGINS = _env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "tenancy",
    "operations",
    "integrations",
    "accounting",
    "calendars",
    "apikeys",
    "webhooks",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.security.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tenancy.middleware.CurrentOrganisationMiddleware",
    # Axes last, as its docs require, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

if IS_PRODUCTION:
    # WhiteNoise serves the collected static files in production; runserver and the
    # test live server use the staticfiles finders instead.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenancy.context_processors.tenancy",
            ],
        },
    },
]

# --- Data stores -----------------------------------------------------------------

_DEFAULT_TEST_DATABASE = "postgres://postgres@127.0.0.1:5432/patchbay"
_DEFAULT_TEST_REDIS = "redis://127.0.0.1:6379/1"

DATABASE_URL = os.environ.get("DATABASE_URL") or (_DEFAULT_TEST_DATABASE if IS_TEST else "")
REDIS_URL = os.environ.get("REDIS_URL") or (_DEFAULT_TEST_REDIS if IS_TEST else "")
if IS_PRODUCTION and not (DATABASE_URL and REDIS_URL):
    raise ImproperlyConfigured("DATABASE_URL and REDIS_URL must be set in production.")

if DATABASE_URL:
    # Tests close every connection after use, so threads of the live server leave none behind.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0 if IS_TEST else 60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "patchbay.sqlite3"),
            # Web, worker and beat share the file: wait for locks instead of failing.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "patchbay",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Celery ------------------------------------------------------------------------
# With REDIS_URL: Redis carries tasks and results. Without it (make run's embedded
# default): kombu's file-system transport, which needs no server and is shared by
# the web, worker and beat processes through var/broker.

if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
else:
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'celery-results'}"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # Exchange tables; kombu's default is "control" in the working directory.
        "control_folder": str(_broker_dir / "control"),
    }
    # The transport and the result backend expect their folders to exist already.
    for _folder in (
        _broker_dir / "queue",
        _broker_dir / "processed",
        _broker_dir / "control",
        VAR_DIR / "celery-results",
    ):
        _folder.mkdir(parents=True, exist_ok=True)

CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "tenancy.tasks.clear_expired_sessions",
        "schedule": crontab(minute=17, hour=3),
    },
    "dispatch-due-syncs": {
        "task": "accounting.tasks.dispatch_due_syncs",
        "schedule": timedelta(minutes=1),
    },
    "recover-degraded-connections": {
        "task": "integrations.tasks.recover_degraded",
        "schedule": timedelta(minutes=1),
    },
    "keep-oauth-grants-alive": {
        "task": "integrations.tasks.keep_grants_alive",
        "schedule": timedelta(hours=1),
    },
    "purge-abandoned-authorisations": {
        "task": "integrations.tasks.purge_abandoned_authorisations",
        "schedule": timedelta(hours=1),
    },
    "expire-abandoned-choices": {
        "task": "integrations.tasks.expire_abandoned_choices",
        "schedule": timedelta(minutes=1),
    },
}

# --- Auth and accounts ----------------------------------------------------------------

AUTH_USER_MODEL = "tenancy.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if IS_TEST:
    # Hashing with the production hasher makes thousands of test logins slow.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Repeated failed sign-ins are slowed down by django-axes: after five failures for
# one e-mail address from one client address, that pair waits fifteen minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The sign-in form posts the e-mail address as "username" (Django's AuthenticationForm).
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if IS_PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Patchbay <no-reply@patchbay.test>")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))

# --- Security ------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # htmx reads no cookie; the token travels in hx-headers.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (config/security.py): pages load only their own scripts and
# styles, none inline. No form-action: Chrome applies it to the redirect after a POST,
# which would block the OAuth consent screens that Connect sends the browser to.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
}
if IS_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SILENCED_SYSTEM_CHECKS: list[str] = []

# --- Static files, i18n ----------------------------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Every handler redacts codes, states and tokens from URLs in the line (config.log_redaction),
# including the development server's access log ("django.server", Django's own format).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "config.log_redaction.RedactSecrets"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_secrets"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

# --- Credential vault ------------------------------------------------------------------
# Fernet keys, comma-separated, newest first: secrets are encrypted with the first and
# readable with any. Rotation: put a new key first, run `manage.py rotate_encryption_keys`,
# then drop the old key.

_DEV_ENCRYPTION_KEY = "Tq3fwjVNhAdiYkRLZHcXUbPcsFeSSUpi30XgqUcq0T4="  # development and test only
PATCHBAY_ENCRYPTION_KEYS = _env_list(
    "PATCHBAY_ENCRYPTION_KEYS", "" if IS_PRODUCTION else _DEV_ENCRYPTION_KEY
)
if IS_PRODUCTION and not PATCHBAY_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("PATCHBAY_ENCRYPTION_KEYS must be set in production.")

# --- Providers and their sandbox -------------------------------------------------------
# Every provider URL is a setting, overridable by environment: the real service in
# production, the local sandbox (sandbox/) in development and tests.

PUBLIC_BASE_URL = os.environ.get("PATCHBAY_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
SANDBOX_ENABLED = not IS_PRODUCTION
_SANDBOX_XERO = f"{PUBLIC_BASE_URL}/sandbox/xero"


def _provider_url(name: str, production: str, sandbox: str) -> str:
    return os.environ.get(name) or (production if IS_PRODUCTION else sandbox)


# https://developer.xero.com/documentation/guides/oauth2/auth-flow/
XERO_AUTHORIZE_URL = _provider_url(
    "XERO_AUTHORIZE_URL",
    "https://login.xero.com/identity/connect/authorize",
    f"{_SANDBOX_XERO}/identity/connect/authorize",
)
XERO_TOKEN_URL = _provider_url(
    "XERO_TOKEN_URL",
    "https://identity.xero.com/connect/token",
    f"{_SANDBOX_XERO}/identity/connect/token",
)
XERO_REVOCATION_URL = _provider_url(
    "XERO_REVOCATION_URL",
    "https://identity.xero.com/connect/revocation",
    f"{_SANDBOX_XERO}/identity/connect/revocation",
)
XERO_CONNECTIONS_URL = _provider_url(
    "XERO_CONNECTIONS_URL", "https://api.xero.com/connections", f"{_SANDBOX_XERO}/connections"
)
XERO_API_BASE = _provider_url(
    "XERO_API_BASE", "https://api.xero.com/api.xro/2.0", f"{_SANDBOX_XERO}/api.xro/2.0"
)
XERO_CLIENT_ID = os.environ.get("XERO_CLIENT_ID", "" if IS_PRODUCTION else "patchbay-sandbox-app")
XERO_CLIENT_SECRET = os.environ.get(
    "XERO_CLIENT_SECRET", "" if IS_PRODUCTION else "sandbox-client-secret-not-for-production"
)

# The sandbox's Xero lifetimes (seconds). Tests shorten them; the defaults are Xero's.
SANDBOX_XERO_ACCESS_TOKEN_SECONDS = int(os.environ.get("SANDBOX_XERO_ACCESS_TOKEN_SECONDS", 1800))
SANDBOX_XERO_REFRESH_TOKEN_SECONDS = int(
    os.environ.get("SANDBOX_XERO_REFRESH_TOKEN_SECONDS", 60 * 24 * 3600)
)
SANDBOX_XERO_REFRESH_GRACE_SECONDS = int(os.environ.get("SANDBOX_XERO_REFRESH_GRACE_SECONDS", 1800))
SANDBOX_XERO_CODE_SECONDS = int(os.environ.get("SANDBOX_XERO_CODE_SECONDS", 300))
# The redirect URIs registered for the sandbox's app (exact match, as at Xero).
_XERO_CALLBACK = "/settings/integrations/xero/callback/"
SANDBOX_XERO_REDIRECT_URIS = _env_list(
    "SANDBOX_XERO_REDIRECT_URIS",
    # Both spellings of the local host, so whichever the browser uses keeps its session.
    f"{PUBLIC_BASE_URL}{_XERO_CALLBACK},"
    f"{PUBLIC_BASE_URL.replace('127.0.0.1', 'localhost')}{_XERO_CALLBACK}",
)

if SANDBOX_ENABLED:
    INSTALLED_APPS.append("sandbox")
    INSTALLED_APPS.append("sandbox.sage")
    INSTALLED_APPS.append("sandbox.quickbooks")

# A sync run's lease on its connection, renewed after every batch; a crashed worker's
# run is taken over once it lapses.
SYNC_RUN_LEASE_SECONDS = int(os.environ.get("SYNC_RUN_LEASE_SECONDS", 300))
# Batches a run sends at once, capped by the provider's concurrent-call limit (1 on SQLite).
SYNC_PUSH_CONCURRENCY = int(os.environ.get("SYNC_PUSH_CONCURRENCY", 5))

# Where the official provider specs live (third-party data, never copied into the
# project). Contract tests read them from here and, with REQUIRE_SPECS=1, must find them.
SPECS_DIR = Path(os.environ.get("SPECS_DIR", BASE_DIR.parent / "shared" / "specs"))

# === API access (apikeys/, api/, webhooks/) ============================================
# REST API v1 with scoped API keys, per-key rate limits, and signed webhooks.

INSTALLED_APPS += ["rest_framework", "drf_spectacular"]

REST_FRAMEWORK = {
    # The API authenticates with API keys only: no session, so no CSRF exposure.
    "DEFAULT_AUTHENTICATION_CLASSES": ["apikeys.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["apikeys.permissions.HasScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.StrictJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Patchbay API",
    "DESCRIPTION": "REST API v1 over an organisation's rental records. See /api/v1/docs/.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ProjectStatusEnum": "operations.models.Project.Status",
        "InvoiceStatusEnum": "operations.models.Invoice.Status",
        "QuoteStatusEnum": "operations.models.Quote.Status",
        "CreditNoteStatusEnum": "operations.models.CreditNote.Status",
    },
}

# Per-key rate limits: (window name, requests, seconds). An owner may set elevated
# limits per key. Every web process shares the counters: in Redis, or without REDIS_URL
# (make run) in a SQLite file beside the database; both stores decide alike.
API_RATE_LIMITS = {"minute": (100, 60), "hour": (5_000, 3_600)}
API_RATE_LIMIT_STORE = "redis" if REDIS_URL else "sqlite"
API_RATE_LIMIT_SQLITE_PATH = VAR_DIR / "ratelimits.sqlite3"
# Web processes sharing the load: each gets this share of a key's limits when the store is down.
API_RATE_LIMIT_PROCESSES = int(os.environ.get("WEB_CONCURRENCY", "2"))
API_RATE_LIMIT_REDIS_TIMEOUT = float(os.environ.get("API_RATE_LIMIT_REDIS_TIMEOUT", "0.1"))
# "Last used" is written at most once per key per this many seconds.
API_KEY_LAST_USED_SECONDS = 60

# Webhook delivery. http:// to loopback receivers only outside production.
WEBHOOKS_ALLOW_LOOPBACK_HTTP = not IS_PRODUCTION
WEBHOOKS_QUEUE = os.environ.get("WEBHOOKS_QUEUE", "celery")
WEBHOOKS_CONNECT_TIMEOUT = float(os.environ.get("WEBHOOKS_CONNECT_TIMEOUT", "5"))
WEBHOOKS_TOTAL_TIMEOUT = float(os.environ.get("WEBHOOKS_TOTAL_TIMEOUT", "15"))
# A claimed delivery is someone's for this long; after it the sweeper may send it again.
WEBHOOKS_LEASE_SECONDS = int(os.environ.get("WEBHOOKS_LEASE_SECONDS", "60"))
# A due delivery whose wake-up message was sent this long ago is sent a new one.
WEBHOOKS_REHINT_SECONDS = int(os.environ.get("WEBHOOKS_REHINT_SECONDS", "300"))
WEBHOOKS_SWEEP_SECONDS = float(os.environ.get("WEBHOOKS_SWEEP_SECONDS", "10"))
WEBHOOKS_RETRY_DELAYS = (60, 300, 1_800, 7_200, 43_200)  # after attempts 1..5
WEBHOOKS_RETRY_JITTER = 0.1  # up to 10% later, never earlier
WEBHOOKS_SECRET_OVERLAP = timedelta(hours=24)

CELERY_BEAT_SCHEDULE.update(
    {
        "sweep-webhook-deliveries": {
            "task": "webhooks.tasks.sweep_due_deliveries",
            "schedule": timedelta(seconds=WEBHOOKS_SWEEP_SECONDS),
        },
        "revoke-expired-api-keys": {
            "task": "apikeys.tasks.revoke_expired_keys",
            "schedule": timedelta(minutes=1),
        },
    }
)
# === end of API access ================================================================

# === Sage sandbox and provider URLs ===================================================
# Sage Business Cloud Accounting, API v3.1. The real hosts differ per step: the consent
# screen at www.sageone.com, tokens at oauth.accounting.sage.com, the API at
# api.accounting.sage.com. https://developer.sage.com/accounting/guides/authenticating/authentication
_SANDBOX_SAGE = f"{PUBLIC_BASE_URL}/sandbox/sage"
# Sage's authorize URL carries `filter=apiv3.1` itself: add the other parameters with "&".
SAGE_AUTHORIZE_URL = _provider_url(
    "SAGE_AUTHORIZE_URL",
    "https://www.sageone.com/oauth2/auth/central?filter=apiv3.1",
    f"{_SANDBOX_SAGE}/oauth2/auth/central?filter=apiv3.1",
)
SAGE_TOKEN_URL = _provider_url(
    "SAGE_TOKEN_URL", "https://oauth.accounting.sage.com/token", f"{_SANDBOX_SAGE}/oauth/token"
)
SAGE_REVOKE_URL = _provider_url(
    "SAGE_REVOKE_URL", "https://oauth.accounting.sage.com/revoke", f"{_SANDBOX_SAGE}/oauth/revoke"
)
SAGE_API_BASE = _provider_url(
    "SAGE_API_BASE", "https://api.accounting.sage.com/v3.1", f"{_SANDBOX_SAGE}/v3.1"
)
SAGE_CLIENT_ID = os.environ.get("SAGE_CLIENT_ID", "" if IS_PRODUCTION else "patchbay-sage-sandbox")
SAGE_CLIENT_SECRET = os.environ.get(
    "SAGE_CLIENT_SECRET", "" if IS_PRODUCTION else "sage-sandbox-secret-not-for-production"
)
# The sandbox's Sage lifetimes (seconds); the defaults are Sage's. Tests shorten them.
SANDBOX_SAGE_ACCESS_TOKEN_SECONDS = int(os.environ.get("SANDBOX_SAGE_ACCESS_TOKEN_SECONDS", 300))
SANDBOX_SAGE_REFRESH_TOKEN_SECONDS = int(
    os.environ.get("SANDBOX_SAGE_REFRESH_TOKEN_SECONDS", 31 * 24 * 3600)
)
SANDBOX_SAGE_CODE_SECONDS = int(os.environ.get("SANDBOX_SAGE_CODE_SECONDS", 60))
# idempotency_id replays are kept for seven days.
SANDBOX_SAGE_IDEMPOTENCY_SECONDS = int(
    os.environ.get("SANDBOX_SAGE_IDEMPOTENCY_SECONDS", 7 * 24 * 3600)
)
# Calls per business per minute (Sage's v3.0 figure; v3.1's is unpublished).
SANDBOX_SAGE_MINUTE_LIMIT = int(os.environ.get("SANDBOX_SAGE_MINUTE_LIMIT", 200))
# Sage defaults a missing X-Business to the user's lead business; True refuses the call
# instead, so a client's tests can prove it always names the business.
SANDBOX_SAGE_REQUIRE_BUSINESS_HEADER = os.environ.get(
    "SANDBOX_SAGE_REQUIRE_BUSINESS_HEADER", ""
).lower() in ("1", "true", "yes")
# Whether a 429 carries Retry-After: unconfirmed at Sage, so off unless asked for.
SANDBOX_SAGE_SEND_RETRY_AFTER = os.environ.get("SANDBOX_SAGE_SEND_RETRY_AFTER", "").lower() in (
    "1",
    "true",
    "yes",
)
# The redirect URIs registered for the sandbox's app (exact match, as at Sage).
_SAGE_CALLBACK = "/settings/integrations/sage/callback/"
SANDBOX_SAGE_REDIRECT_URIS = _env_list(
    "SANDBOX_SAGE_REDIRECT_URIS",
    f"{PUBLIC_BASE_URL}{_SAGE_CALLBACK},"
    f"{PUBLIC_BASE_URL.replace('127.0.0.1', 'localhost')}{_SAGE_CALLBACK}",
)
# === end of Sage ======================================================================

# === QuickBooks sandbox and provider URLs ==============================================
# Intuit's OAuth 2.0 and the QuickBooks Online Accounting API v3: the real service in
# production, the local sandbox (sandbox/quickbooks/) in development and tests.
# https://developer.intuit.com/.well-known/openid-sandbox-configuration
_SANDBOX_QUICKBOOKS = f"{PUBLIC_BASE_URL}/sandbox/quickbooks"
QUICKBOOKS_AUTHORIZE_URL = _provider_url(
    "QUICKBOOKS_AUTHORIZE_URL",
    "https://appcenter.intuit.com/connect/oauth2",
    f"{_SANDBOX_QUICKBOOKS}/connect/oauth2",
)
QUICKBOOKS_TOKEN_URL = _provider_url(
    "QUICKBOOKS_TOKEN_URL",
    "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",
    f"{_SANDBOX_QUICKBOOKS}/oauth2/v1/tokens/bearer",
)
QUICKBOOKS_REVOCATION_URL = _provider_url(
    "QUICKBOOKS_REVOCATION_URL",
    "https://developer.api.intuit.com/v2/oauth2/tokens/revoke",
    f"{_SANDBOX_QUICKBOOKS}/v2/oauth2/tokens/revoke",
)
# OpenID Connect: the ID token binds the code to the consent Patchbay started (its nonce).
# One issuer and key set serve Intuit's production and sandbox environments.
QUICKBOOKS_ISSUER = _provider_url(
    "QUICKBOOKS_ISSUER", "https://oauth.platform.intuit.com/op/v1", f"{_SANDBOX_QUICKBOOKS}/op/v1"
)
QUICKBOOKS_JWKS_URL = _provider_url(
    "QUICKBOOKS_JWKS_URL",
    "https://oauth.platform.intuit.com/op/v1/jwks",
    f"{_SANDBOX_QUICKBOOKS}/op/v1/jwks",
)
# The company's API root is f"{QUICKBOOKS_API_BASE}/v3/company/{realmId}".
QUICKBOOKS_API_BASE = _provider_url(
    "QUICKBOOKS_API_BASE", "https://quickbooks.api.intuit.com", _SANDBOX_QUICKBOOKS
)
QUICKBOOKS_CLIENT_ID = os.environ.get(
    "QUICKBOOKS_CLIENT_ID", "" if IS_PRODUCTION else "patchbay-qbo-sandbox-app"
)
QUICKBOOKS_CLIENT_SECRET = os.environ.get(
    "QUICKBOOKS_CLIENT_SECRET",
    "" if IS_PRODUCTION else "qbo-sandbox-client-secret-not-for-production",
)
# The app's webhook verifier token (Intuit shows it in the developer portal).
QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN = os.environ.get(
    "QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN", "" if IS_PRODUCTION else "qbo-sandbox-verifier-token"
)
# The sandbox's app registration: redirect URIs (exact match), lifetimes in seconds (tests
# shorten them; defaults are Intuit's), where it sends webhooks and the Disconnect URL call.
_QUICKBOOKS_CALLBACK = "/settings/integrations/quickbooks/callback/"
SANDBOX_QUICKBOOKS_REDIRECT_URIS = _env_list(
    "SANDBOX_QUICKBOOKS_REDIRECT_URIS",
    f"{PUBLIC_BASE_URL}{_QUICKBOOKS_CALLBACK},"
    f"{PUBLIC_BASE_URL.replace('127.0.0.1', 'localhost')}{_QUICKBOOKS_CALLBACK}",
)
SANDBOX_QUICKBOOKS_ACCESS_TOKEN_SECONDS = int(
    os.environ.get("SANDBOX_QUICKBOOKS_ACCESS_TOKEN_SECONDS", 3600)
)
SANDBOX_QUICKBOOKS_REFRESH_TOKEN_SECONDS = int(
    os.environ.get("SANDBOX_QUICKBOOKS_REFRESH_TOKEN_SECONDS", 100 * 24 * 3600)
)
SANDBOX_QUICKBOOKS_REFRESH_ROTATE_SECONDS = int(
    os.environ.get("SANDBOX_QUICKBOOKS_REFRESH_ROTATE_SECONDS", 24 * 3600)
)
SANDBOX_QUICKBOOKS_REFRESH_OVERLAP_SECONDS = int(
    os.environ.get("SANDBOX_QUICKBOOKS_REFRESH_OVERLAP_SECONDS", 24 * 3600)
)
SANDBOX_QUICKBOOKS_REFRESH_SINGLE_USE = (
    os.environ.get("SANDBOX_QUICKBOOKS_REFRESH_SINGLE_USE", "0") == "1"
)
SANDBOX_QUICKBOOKS_HARD_EXPIRY_SECONDS = int(
    os.environ.get("SANDBOX_QUICKBOOKS_HARD_EXPIRY_SECONDS", 5 * 365 * 24 * 3600)
)
SANDBOX_QUICKBOOKS_CODE_SECONDS = int(os.environ.get("SANDBOX_QUICKBOOKS_CODE_SECONDS", 300))
SANDBOX_QUICKBOOKS_VERIFIER_TOKEN = QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN
SANDBOX_QUICKBOOKS_WEBHOOK_URL = os.environ.get(
    "SANDBOX_QUICKBOOKS_WEBHOOK_URL", f"{PUBLIC_BASE_URL}/settings/integrations/quickbooks/webhook/"
)
SANDBOX_QUICKBOOKS_DISCONNECT_URL = os.environ.get(
    "SANDBOX_QUICKBOOKS_DISCONNECT_URL",
    f"{PUBLIC_BASE_URL}/settings/integrations/quickbooks/disconnected/",
)
# Intuit's sandbox environment (sandbox companies of a development app), which an
# organisation may choose on its QuickBooks settings page; locally the same sandbox.
QUICKBOOKS_SANDBOX_API_BASE = _provider_url(
    "QUICKBOOKS_SANDBOX_API_BASE",
    "https://sandbox-quickbooks.api.intuit.com",
    _SANDBOX_QUICKBOOKS,
)
# Every call pins it: from August 2025 Intuit ignores 1-74 and treats requests as 75.
QUICKBOOKS_MINOR_VERSION = os.environ.get("QUICKBOOKS_MINOR_VERSION", "75")
# === end of QuickBooks sandbox ==========================================================

# === Provider webhooks in ==============================================================
# Xero and QuickBooks Online notify Patchbay of changes (integrations/provider_webhooks/);
# a verified notification wakes the company's sync soon, debounced. Polling stays on.
INSTALLED_APPS.append("integrations.provider_webhooks")
# The app's webhook signing key (Xero shows it on the app's Webhooks page). The QuickBooks
# verifier token is QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN, in the QuickBooks block above.
XERO_WEBHOOK_KEY = os.environ.get(
    "XERO_WEBHOOK_KEY", "" if IS_PRODUCTION else "xero-sandbox-webhook-key-not-for-production"
)
# A burst of notifications within this many seconds of the first makes one sync run.
WEBHOOK_SYNC_DELAY_SECONDS = int(os.environ.get("WEBHOOK_SYNC_DELAY_SECONDS", 30))
# The regular dispatcher runs a woken connection this much later than the webhook
# dispatcher would, as a backstop when the latter is not running.
WEBHOOK_SYNC_BACKSTOP_SECONDS = int(os.environ.get("WEBHOOK_SYNC_BACKSTOP_SECONDS", 60))
WEBHOOK_DISPATCH_SECONDS = float(os.environ.get("WEBHOOK_DISPATCH_SECONDS", 10))
WEBHOOK_NOTIFICATION_RETENTION_DAYS = int(os.environ.get("WEBHOOK_NOTIFICATION_RETENTION_DAYS", 30))
CELERY_BEAT_SCHEDULE.update(
    {
        "dispatch-webhook-syncs": {
            "task": "integrations.provider_webhooks.tasks.dispatch_webhook_syncs",
            "schedule": timedelta(seconds=WEBHOOK_DISPATCH_SECONDS),
        },
        "purge-provider-notifications": {
            "task": "integrations.provider_webhooks.tasks.purge_provider_notifications",
            "schedule": crontab(minute=41, hour=3),
        },
    }
)
# The Xero sandbox's webhook sender (sandbox/xero/webhooks/): where the sandbox's app
# subscription points, and its key (the app's, as at Xero). Nothing is sent until the
# subscription passes the intent-to-receive check (console: "Send intent to receive").
if SANDBOX_ENABLED:
    INSTALLED_APPS.append("sandbox.xero.webhooks")
SANDBOX_XERO_WEBHOOK_URL = os.environ.get(
    "SANDBOX_XERO_WEBHOOK_URL", f"{PUBLIC_BASE_URL}/settings/integrations/xero/webhook/"
)
SANDBOX_XERO_WEBHOOK_KEY = XERO_WEBHOOK_KEY
SANDBOX_XERO_WEBHOOK_TIMEOUT_SECONDS = float(
    os.environ.get("SANDBOX_XERO_WEBHOOK_TIMEOUT_SECONDS", 5)
)
# Deliveries go out on a thread after the change commits; False sends inline (tests).
SANDBOX_XERO_WEBHOOK_ASYNC = os.environ.get("SANDBOX_XERO_WEBHOOK_ASYNC", "1") == "1"
# === end of provider webhooks in =======================================================
