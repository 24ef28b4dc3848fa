"""Which URLs the iCloud client may call: an allow-list built from one setting.

iCloud's hosts are fixed: ``caldav.icloud.com`` and the per-account partition hosts
under ``icloud.com`` (``p42-caldav.icloud.com``) that discovery and redirects lead
to. Every URL the client calls, including each redirect target and each href a
server returns, must be on the configured server's host or under its parent domain,
with the same scheme and port; anything else is refused before a socket opens.
That allow-list is the OWASP SSRF control for a fixed destination. (The webhook
guard, ``webhooks.addresses``, vets arbitrary user-typed URLs by resolved address;
it lives in a layer above the calendars app, and a fixed allow-list is stricter.)

Development and tests point ``ICLOUD_CALDAV_URL`` at the local Radicale sandbox;
plain http is accepted only for a loopback server, and its "partition host" may be
any loopback name on the same port.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from calendars.providers.icloud.errors import UnsafeServerUrl

SETTING = "ICLOUD_CALDAV_URL"
DEFAULT_SERVER_URL = "https://caldav.icloud.com/"
MAX_URL_LENGTH = 2000
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
DEFAULT_PORTS = {"https": 443, "http": 80}


def server_url() -> str:
    """The iCloud CalDAV entry point, read per call so tests can override it."""
    return str(getattr(settings, SETTING, DEFAULT_SERVER_URL))


@dataclass(frozen=True)
class _Url:
    scheme: str
    host: str
    port: int


@dataclass(frozen=True)
class HostPolicy:
    scheme: str
    port: int
    host: str
    domain: str  # partition hosts end with "." + domain; "" when only ``host``
    loopback: bool

    @classmethod
    def for_server(cls, url: str) -> HostPolicy:
        parts = _split(url)
        loopback = parts.host in LOOPBACK_NAMES
        if parts.scheme != "https" and not loopback:
            raise UnsafeServerUrl(f"{SETTING} must be an https:// URL (got {url!r}).")
        return cls(parts.scheme, parts.port, parts.host, _parent_domain(parts.host), loopback)

    def check(self, url: str) -> str:
        """``url`` itself when the client may call it; UnsafeServerUrl otherwise."""
        parts = _split(url)
        if parts.scheme != self.scheme or parts.port != self.port or not self._host_ok(parts):
            raise UnsafeServerUrl(f"Refused to call {url!r}: not an iCloud CalDAV host.")
        return url

    def _host_ok(self, parts: _Url) -> bool:
        if parts.host == self.host:
            return True
        if self.loopback:
            return parts.host in LOOPBACK_NAMES
        return bool(self.domain) and parts.host.endswith("." + self.domain)


def _split(url: str) -> _Url:
    if len(url) > MAX_URL_LENGTH or any(c.isspace() or ord(c) < 32 or c == "\\" for c in url):
        raise UnsafeServerUrl("Refused a malformed URL.")
    try:
        split = urlsplit(url)
        port = split.port
    except ValueError:
        raise UnsafeServerUrl("Refused a malformed URL.") from None
    scheme = split.scheme.lower()
    host = (split.hostname or "").rstrip(".")
    if scheme not in DEFAULT_PORTS or not host or "@" in split.netloc:
        raise UnsafeServerUrl(f"Refused to call {url!r}: not an http(s) URL without a login.")
    return _Url(scheme, host, port or DEFAULT_PORTS[scheme])


def _parent_domain(host: str) -> str:
    """caldav.icloud.com -> icloud.com; "" for IP literals and two-label names, whose
    parent would be a public suffix (or nothing)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        labels = host.split(".")
        return ".".join(labels[1:]) if len(labels) >= 3 else ""
    return ""
