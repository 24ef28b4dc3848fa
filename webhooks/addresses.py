"""SSRF defence for endpoint URLs: which URLs may be called, and at which address.

The URL string is never trusted for the address: spellings such as ``2130706433``,
``0x7f.1`` or ``0177.0.0.1`` mean 127.0.0.1 to the system resolver although
Python's ``ipaddress`` refuses them. So the host is always resolved, every
address it resolves to is vetted, and the caller connects to a vetted address
(never resolving again), which also defeats DNS rebinding. The checks follow
OWASP's SSRF prevention cheat sheet
(https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_URL_LENGTH = 2000
DEFAULT_PORTS = {"https": 443, "http": 80}
# Explicit ports must be a web port or unprivileged: no 22, 25, 6379-style surprises below 1024.
LOWEST_FREE_PORT = 1024

# Ranges that ``is_global`` misses or that tunnel to another address (CPython 3.11):
_BLOCKED = tuple(
    ipaddress.ip_network(block)
    for block in (
        "100.64.0.0/10",  # shared address space (carrier NAT; Alibaba's metadata service)
        "192.0.0.0/24",  # IETF protocol assignments
        "198.18.0.0/15",  # benchmarking
        "::/96",  # IPv4-compatible IPv6 (::127.0.0.1)
        "64:ff9b::/96",  # NAT64 of any IPv4 address
        "64:ff9b:1::/48",  # local-use NAT64
        "2002::/16",  # 6to4: embeds an IPv4 address
        "2001::/32",  # Teredo: embeds an IPv4 address
        "2001:db8::/32",  # documentation
        "fec0::/10",  # deprecated site-local
    )
)


class UnsafeUrl(Exception):
    """A URL Patchbay will not call, with the reason fit to show beside the field."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # for the Host header, SNI and certificate checks
    port: int
    request_path: str
    addresses: tuple[str, ...]  # vetted; connect to these, never re-resolve

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


def forbidden(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1 to the kernel
    return (
        not address.is_global
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or any(address in block for block in _BLOCKED if block.version == address.version)
    )


def is_loopback(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


@dataclass(frozen=True)
class _Parts:
    scheme: str
    host: str
    port: int
    request_path: str


def _parts(url: str) -> _Parts:
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeUrl(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    if any(c.isspace() or ord(c) < 32 or c == "\\" for c in url):
        raise UnsafeUrl("The URL contains spaces, control characters or backslashes.")
    try:
        split = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket: "https://[::1"
        raise UnsafeUrl("The URL is malformed: check its host.") from None
    scheme = split.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise UnsafeUrl("Use an https:// URL.")
    if "@" in split.netloc:
        raise UnsafeUrl("The URL must not contain a user name or password.")
    host = (split.hostname or "").rstrip(".")
    if not host:
        raise UnsafeUrl("The URL has no host.")
    try:
        port = split.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise UnsafeUrl("The URL's port is not a valid number.") from None
    if port not in DEFAULT_PORTS.values() and port < LOWEST_FREE_PORT:
        raise UnsafeUrl("Use port 443, 80 or a port from 1024 up.")
    path = (split.path or "/") + (f"?{split.query}" if split.query else "")
    return _Parts(scheme, host, port, path)


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the system resolver gives for ``host`` (literals included)."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, ValueError):
        raise UnsafeUrl(f"The host {host} does not resolve.") from None
    found: list[IPAddress] = []
    for *_, sockaddr in answers:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if address not in found:
            found.append(address)
    if not found:
        raise UnsafeUrl(f"The host {host} does not resolve.")
    return found


def vet(url: str, *, allow_loopback_http: bool) -> Target:
    """Check ``url`` and resolve it; raise UnsafeUrl unless every address is allowed.

    Loopback receivers (``http://127.0.0.1:PORT/…``) are allowed only when
    ``allow_loopback_http`` (development and test settings); otherwise only
    https to public addresses.
    """
    parts = _parts(url)
    addresses = resolve(parts.host, parts.port)
    local = allow_loopback_http and all(is_loopback(a) for a in addresses)
    if not local:
        if parts.scheme != "https":
            raise UnsafeUrl("Use an https:// URL.")
        if any(forbidden(a) for a in addresses):
            raise UnsafeUrl(
                f"The host {parts.host} resolves to a private, local or reserved address."
            )
    return Target(
        parts.scheme, parts.host, parts.port, parts.request_path, tuple(map(str, addresses))
    )


def url_rule(*, allow_loopback_http: bool) -> str:
    """What ``vet`` accepts, in words, for the people typing a URL (form help, docs)."""
    rule = "An https:// URL whose host resolves to public addresses only."
    if allow_loopback_http:
        rule += (
            " This server also accepts http:// URLs on this machine (127.0.0.1, localhost,"
            " [::1]) for local testing; production accepts https:// to public addresses only."
        )
    return rule
