"""What development and test share: they run on one machine, with no real secrets
and no real providers (the sandbox stands in for them)."""

from config.settings.base import *  # noqa: F403
from config.settings.sandbox import *  # noqa: F403

# Fixed keys keep sessions and encrypted secrets valid across restarts; never real ones.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", "") or (
    "dev-insecure-patchbay-key-never-use-in-production-0123456789abcdef"
)
PATCHBAY_ENCRYPTION_KEYS = env.list(
    "PATCHBAY_ENCRYPTION_KEYS", ["Tq3fwjVNhAdiYkRLZHcXUbPcsFeSSUpi30XgqUcq0T4="], subcast=str.strip
)
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"], subcast=str.strip
)

INSTALLED_APPS = [*INSTALLED_APPS, *SANDBOX_APPS]

# Mail (password reset) is printed to the console.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# Webhook endpoints may be local receivers over plain http.
WEBHOOKS_ALLOW_LOOPBACK_HTTP = True
