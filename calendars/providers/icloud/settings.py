"""iCloud's CalDAV settings with their defaults, by setting name (see
accounting/providers/sage/settings.py for how config/settings/ reads them).

SERVICE in every profile: Apple's CalDAV front host, which sends each account on to its
partition host (pNN-caldav.icloud.com); the client accepts only hosts under its domain.
SANDBOX in development and tests: the local Radicale behind the iCloud fault layer
(sandbox/icloud/), which `make run` starts on ICLOUD_SANDBOX_PORT (5232).
"""

SERVICE = {
    "ICLOUD_CALDAV_URL": "https://caldav.icloud.com/",
}

SANDBOX = {
    "ICLOUD_CALDAV_URL": "http://127.0.0.1:{ICLOUD_SANDBOX_PORT}/",
}
