"""Allowed origins: one spelling for each origin, so matching is a plain comparison.

An origin is scheme, host and port (RFC 6454). Both what an owner types and what a
browser sends are reduced to ``scheme://host[:port]``: host in IDNA ASCII, lower
case, no trailing dot; the port only when it is not the scheme's default. A
``*.`` entry matches subdomains at any depth but never the bare domain, and only
on a label boundary (``*.example.org`` does not match ``evil-example.org``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
WILDCARD = "*."


class InvalidOrigin(ValueError):
    """What an owner typed is not an origin; the message says why."""


def _ascii_host(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii").lower().rstrip(".")
    except UnicodeError as error:
        raise InvalidOrigin(f"{host!r} is not a valid host name.") from error


def _split(value: str) -> tuple[str, str, int | None]:
    text = value.strip()
    if not text or text == "null":
        raise InvalidOrigin("An origin looks like https://www.example.com.")
    try:
        parts = urlsplit(text if "://" in text else f"https://{text}")
    except ValueError as error:  # e.g. an unclosed IPv6 bracket: "https://[::1"
        raise InvalidOrigin("That is not a web address: check the brackets and port.") from error
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InvalidOrigin("Only http:// and https:// origins can be allowed.")
    if parts.username is not None or parts.password is not None:
        raise InvalidOrigin("An origin has no user name or password in it.")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InvalidOrigin("An origin has no path: give only the scheme and the host.")
    try:
        port = parts.port
    except ValueError as error:
        raise InvalidOrigin("The port must be a number from 1 to 65535.") from error
    host = parts.hostname or ""
    if not host:
        raise InvalidOrigin("The origin needs a host name, e.g. https://www.example.com.")
    return scheme, host, port


def _join(scheme: str, host: str, port: int | None) -> str:
    if port is None or port == DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def normalise_entry(value: str) -> str:
    """An owner's allowed-domain entry, normalised; a bare host is taken as https."""
    scheme, host, port = _split(value)
    wildcard = host.startswith(WILDCARD)
    base = _ascii_host(host[len(WILDCARD) :] if wildcard else host)
    if "*" in base or not base or ("." not in base and base != "localhost"):
        raise InvalidOrigin(
            "Give a full host name (www.example.com); a wildcard only as *.example.com."
        )
    return _join(scheme, f"{WILDCARD}{base}" if wildcard else base, port)


def normalise_request_origin(value: str | None) -> str | None:
    """A browser's ``Origin`` header, normalised; None when it is absent or not an origin."""
    if value is None or "://" not in value:
        return None
    try:
        scheme, host, port = _split(value)
        if "*" in host:
            return None
        return _join(scheme, _ascii_host(host), port)
    except InvalidOrigin:
        return None


def origin_allowed(origin: str, allowed: list[str]) -> bool:
    """Whether a normalised request origin matches one of the normalised entries."""
    scheme, _, rest = origin.partition("://")
    host, _, port = rest.partition(":")
    for entry in allowed:
        entry_scheme, _, entry_rest = entry.partition("://")
        entry_host, _, entry_port = entry_rest.partition(":")
        if entry_scheme != scheme or entry_port != port:
            continue
        if entry_host == host:
            return True
        if entry_host.startswith(WILDCARD) and host.endswith(entry_host[1:]):
            return True
    return False
