"""What every profile shares; values here are safe in production.

The profiles (development, test, production) build on this module and add what
differs: secrets, debug, hosts, the data stores, and in development and test the
sandbox. Every value from the environment is read through ``env`` (environs).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import django_stubs_ext
from celery.schedules import crontab
from environs import Env

from accounting.providers.quickbooks import settings as quickbooks
from accounting.providers.sage import settings as sage
from accounting.providers.xero import settings as xero
from calendars.providers.google import settings as google_calendar
from calendars.providers.icloud import settings as icloud
from calendars.providers.outlook import settings as outlook

# Lets admin and form classes be subscripted for type checking at run time too.
django_stubs_ext.monkeypatch()

env = Env()

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = env.path("PATCHBAY_VAR_DIR", BASE_DIR / "var")

# The profile says which it is; nothing in these settings branches on them.
IS_PRODUCTION = False
IS_TEST = False

CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", [], subcast=str.strip)

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
    "wordpress_bridge",
    "apikeys",
    "webhooks",
    "api",
    # The public provider status page, computed from the call audit (docs/status-page.md).
    "status",
    # Notices and mails about problems that need a person (docs/notifications.md).
    "attention",
    "rest_framework",
    "drf_spectacular",
    # Xero and QuickBooks Online notify Patchbay of changes; a verified notification
    # wakes the company's sync soon, debounced. Polling stays on.
    "integrations.provider_webhooks",
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

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The project's templates, then each provider package's own (a provider is one
        # package: <kind>/providers/<name>/templates/<name>/...).
        "DIRS": [BASE_DIR / "templates", *sorted(BASE_DIR.glob("*/providers/*/templates"))],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenancy.context_processors.tenancy",
                "attention.notices.context",
            ],
        },
    },
]

# --- Data stores -----------------------------------------------------------------
# Each profile names DATABASE_URL and REDIS_URL and builds its stores from them
# (config/settings/stores.py).

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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

# EMAIL_BACKEND is the profile's: SMTP in production, the console otherwise.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "Patchbay <no-reply@patchbay.test>")
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25)

# --- Security ------------------------------------------------------------------------
# Production adds secure cookies, HSTS and the SSL redirect (production.py).

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

# --- Static files, i18n ----------------------------------------------------------------
# Runserver and the test live server use the staticfiles finders; production serves
# the collected, hashed files with WhiteNoise (production.py).

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
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
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

# --- Accounting providers ----------------------------------------------------------------
# Every provider URL and credential is a setting, overridable by the environment
# variable of its name. Each provider's settings and defaults live beside it
# (accounting/providers/<name>/settings.py); development and test point them at the
# sandbox (config/settings/sandbox.py).

PUBLIC_BASE_URL = env.str("PATCHBAY_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def from_environment(defaults: Mapping[str, str], **placeholders: str) -> dict[str, str]:
    """Each named setting from the environment variable of its name if it is set and
    not empty, else its default (with ``{PLACEHOLDER}``s filled in)."""
    return {
        name: env.str(name, "") or default.format(**placeholders)
        for name, default in defaults.items()
    }


globals().update(from_environment(quickbooks.SERVICE))
globals().update(from_environment(sage.SERVICE))
globals().update(from_environment(xero.SERVICE))
globals().update(from_environment(icloud.SERVICE))
globals().update(from_environment(google_calendar.SERVICE))
globals().update(from_environment(outlook.SERVICE))

# A sync run's lease on its connection, renewed after every batch; a crashed worker's
# run is taken over once it lapses.
SYNC_RUN_LEASE_SECONDS = env.int("SYNC_RUN_LEASE_SECONDS", 300)
# Batches a run sends at once, capped by the provider's concurrent-call limit (1 on SQLite).
SYNC_PUSH_CONCURRENCY = env.int("SYNC_PUSH_CONCURRENCY", 5)
# Connections one beat tick (a minute) claims and enqueues at most: 10,000 organisations
# on a 15-minute schedule need ~670 a minute; the rest wait for the next tick.
SYNC_DISPATCH_PER_TICK = env.int("SYNC_DISPATCH_PER_TICK", 1000)
# Broker messages one tick sends at most: the due are dealt between them (tick time stays
# flat however many are due; more messages than workers keeps the workers evenly busy).
SYNC_DISPATCH_MESSAGES = env.int("SYNC_DISPATCH_MESSAGES", 20)
# A provider whose webhooks are set up (its signing key configured) tells Patchbay what
# changed: a scheduled sync of its connection with no notification since the last read
# pushes Patchbay's changes but skips reading the ledger, until the last read is this
# old. The bound is the backstop for a notification that never came.
SYNC_NOTIFIED_POLL_BOUND_SECONDS = env.int("SYNC_NOTIFIED_POLL_BOUND_SECONDS", 3600)

# History tables partitioned by month (integrations/partitions.py): beat keeps this month's
# partition and the next HISTORY_PARTITIONS_AHEAD months' made, and drops months older
# than a table's retention in whole months (0 keeps everything). The call audit is kept
# for years (an accounting trail: seven by default); delivery attempts for three months.
HISTORY_PARTITIONS_AHEAD = env.int("HISTORY_PARTITIONS_AHEAD", 2)
PATCHBAY_AUDIT_RETENTION_MONTHS = env.int("PATCHBAY_AUDIT_RETENTION_MONTHS", 84)
WEBHOOK_ATTEMPT_RETENTION_MONTHS = env.int("WEBHOOK_ATTEMPT_RETENTION_MONTHS", 3)

# Where the official provider specs live (third-party data, never copied into the
# project). Contract tests read them from here and, with REQUIRE_SPECS=1, must find them.
SPECS_DIR = env.path("SPECS_DIR", BASE_DIR.parent / "shared" / "specs")

# --- Provider webhooks in ----------------------------------------------------------------
# integrations/provider_webhooks/. The signing keys are the providers' settings
# (XERO_WEBHOOK_KEY, QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN).

# A burst of notifications within this many seconds of the first makes one sync run.
WEBHOOK_SYNC_DELAY_SECONDS = env.int("WEBHOOK_SYNC_DELAY_SECONDS", 30)
# The regular dispatcher runs a woken connection this much later than the webhook
# dispatcher would, as a backstop when the latter is not running.
WEBHOOK_SYNC_BACKSTOP_SECONDS = env.int("WEBHOOK_SYNC_BACKSTOP_SECONDS", 60)
WEBHOOK_DISPATCH_SECONDS = env.float("WEBHOOK_DISPATCH_SECONDS", 10.0)
WEBHOOK_NOTIFICATION_RETENTION_DAYS = env.int("WEBHOOK_NOTIFICATION_RETENTION_DAYS", 30)

# --- API access (apikeys/, api/, webhooks/) -------------------------------------------
# REST API v1 with scoped API keys, per-key rate limits, and signed webhooks.

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
    # The public availability API has its own schema (/api/public/v1/schema/).
    "PREPROCESSING_HOOKS": ["api.schema.rest_api_only"],
    "ENUM_NAME_OVERRIDES": {
        "ProjectStatusEnum": "operations.models.Project.Status",
        "InvoiceStatusEnum": "operations.models.Invoice.Status",
        "QuoteStatusEnum": "operations.models.Quote.Status",
        "CreditNoteStatusEnum": "operations.models.CreditNote.Status",
    },
}

# The client libraries' packages `make sdks` builds; the API docs page serves them.
# Not under VAR_DIR: each test worker has its own VAR_DIR, the built files are shared.
SDK_DIST_DIR = env.path("PATCHBAY_SDK_DIR", BASE_DIR / "var" / "sdks")

# Per-key rate limits: (window name, requests, seconds). An owner may set elevated
# limits per key. Every web process shares the counters (API_RATE_LIMIT_STORE, the
# profile's): in Redis, or without REDIS_URL (make run) in a SQLite file beside the
# database; both stores decide alike.
API_RATE_LIMITS = {"minute": (100, 60), "hour": (5_000, 3_600)}
API_RATE_LIMIT_SQLITE_PATH = VAR_DIR / "ratelimits.sqlite3"
# Web processes sharing the load: each gets this share of a key's limits when the store is down.
API_RATE_LIMIT_PROCESSES = env.int("WEB_CONCURRENCY", 2)
API_RATE_LIMIT_REDIS_TIMEOUT = env.float("API_RATE_LIMIT_REDIS_TIMEOUT", 0.1)
# "Last used" is written at most once per key per this many seconds.
API_KEY_LAST_USED_SECONDS = 60

# Webhook delivery. http:// to loopback receivers only outside production.
WEBHOOKS_ALLOW_LOOPBACK_HTTP = False
# Queues by kind of work (integrations/queues.py): each kind gets its own worker service
# in docker-compose.yml. Off, one worker reads every task from Celery's default queue.
QUEUES_BY_KIND = env.bool("PATCHBAY_QUEUES_BY_KIND", False)
WEBHOOKS_QUEUE = env.str("WEBHOOKS_QUEUE", "webhooks" if QUEUES_BY_KIND else "celery")
WEBHOOKS_CONNECT_TIMEOUT = env.float("WEBHOOKS_CONNECT_TIMEOUT", 5.0)
WEBHOOKS_TOTAL_TIMEOUT = env.float("WEBHOOKS_TOTAL_TIMEOUT", 15.0)
# A claimed delivery is someone's for this long; after it the sweeper may send it again.
WEBHOOKS_LEASE_SECONDS = env.int("WEBHOOKS_LEASE_SECONDS", 60)
# A due delivery whose wake-up message was sent this long ago is sent a new one.
WEBHOOKS_REHINT_SECONDS = env.int("WEBHOOKS_REHINT_SECONDS", 300)
WEBHOOKS_SWEEP_SECONDS = env.float("WEBHOOKS_SWEEP_SECONDS", 10.0)
# Concurrent sends per worker process, and at most this many of them to one endpoint
# (so a slow receiver holds a few senders, never all of them).
WEBHOOKS_SEND_THREADS = env.int("WEBHOOKS_SEND_THREADS", 32)
WEBHOOKS_ENDPOINT_IN_FLIGHT = env.int("WEBHOOKS_ENDPOINT_IN_FLIGHT", 8)
# How long a busy worker waits for a send to finish before looking for new due work.
WEBHOOKS_POLL_SECONDS = env.float("WEBHOOKS_POLL_SECONDS", 0.05)
# One delivery task claims new work for this long, then wakes a fresh one and only
# finishes its own sends (so a worker's warm shutdown never waits on an endless task).
WEBHOOKS_PUMP_SECONDS = env.float("WEBHOOKS_PUMP_SECONDS", 60.0)
WEBHOOKS_RETRY_DELAYS = (60, 300, 1_800, 7_200, 43_200)  # after attempts 1..5
WEBHOOKS_RETRY_JITTER = 0.1  # up to 10% later, never earlier
WEBHOOKS_SECRET_OVERLAP = timedelta(hours=24)

# --- Celery ------------------------------------------------------------------------
# The broker and result backend are the profile's (config/settings/stores.py).

CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
if QUEUES_BY_KIND:
    CELERY_TASK_ROUTES = ("integrations.queues.route",)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Every periodic task of every profile, in one place.
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
    "sweep-webhook-deliveries": {
        "task": "webhooks.tasks.sweep_due_deliveries",
        "schedule": timedelta(seconds=WEBHOOKS_SWEEP_SECONDS),
    },
    "maintain-audit-partitions": {
        "task": "integrations.tasks.maintain_audit_partitions",
        "schedule": crontab(minute=41, hour="*/6"),
    },
    "maintain-attempt-partitions": {
        "task": "webhooks.tasks.maintain_attempt_partitions",
        "schedule": crontab(minute=43, hour="*/6"),
    },
    "revoke-expired-api-keys": {
        "task": "apikeys.tasks.revoke_expired_keys",
        "schedule": timedelta(minutes=1),
    },
    "dispatch-webhook-syncs": {
        "task": "integrations.provider_webhooks.tasks.dispatch_webhook_syncs",
        "schedule": timedelta(seconds=WEBHOOK_DISPATCH_SECONDS),
    },
    "purge-calendar-account-checks": {
        "task": "calendars.tasks.purge_account_checks",
        "schedule": timedelta(hours=1),
    },
    # Hourly, so an invoice due at midnight in any time zone goes out within the hour.
    "issue-recurring-contract-invoices": {
        "task": "operations.tasks.issue_contract_invoices",
        "schedule": crontab(minute=5),
    },
    # The public status page's figures: "within one beat interval" of the calls.
    "summarise-provider-health": {
        "task": "status.tasks.summarise_provider_health",
        "schedule": timedelta(minutes=1),
    },
    # Notices: open and close them as problems appear and heal, and the two digests.
    "scan-for-problems": {
        "task": "attention.tasks.scan_for_problems",
        "schedule": timedelta(minutes=1),
    },
    "daily-notice-digests": {
        "task": "attention.tasks.send_daily_digests",
        "schedule": crontab(minute=0, hour=7),
    },
    "weekly-accounting-summaries": {
        "task": "attention.tasks.send_weekly_summaries",
        "schedule": crontab(minute=30, hour=7, day_of_week=1),
    },
    "purge-provider-notifications": {
        "task": "integrations.provider_webhooks.tasks.purge_provider_notifications",
        "schedule": crontab(minute=41, hour=3),
    },
}

# The public availability API (the WordPress plugin's website key): its own rate tier,
# per key and per client address, as (requests, seconds). docs/public-availability-api.md.
WEBSITE_RATE_LIMITS = {"minute": (300, 60), "hour": (10_000, 3_600)}
WEBSITE_IP_RATE_LIMITS = {"minute": (120, 60), "hour": (3_000, 3_600)}
# How long a public API answer stays cached at most; any change that affects it
# (bookings, repairs, equipment, website settings) replaces it at once anyway.
PUBLIC_API_CACHE_SECONDS = 300
