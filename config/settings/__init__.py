"""Patchbay's settings: PATCHBAY_ENV picks the profile.

``development`` (the default: ``make run``'s embedded SQLite and file-system broker,
so it needs no server), ``test`` (real PostgreSQL and Redis, as ``make test``
provides) or ``production`` (secure cookies and headers, every secret from the
environment). base.py holds what they share; development and test add the sandbox
(local.py, sandbox.py); each accounting provider's settings live beside it.
"""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import env

_profile = env.str("PATCHBAY_ENV", "development")
if _profile == "production":
    from config.settings.production import *  # noqa: F403
elif _profile == "test":
    from config.settings.test import *  # noqa: F403
elif _profile == "development":
    from config.settings.development import *  # noqa: F403
else:
    raise ImproperlyConfigured(
        f"PATCHBAY_ENV must be development, test or production, not {_profile!r}"
    )
