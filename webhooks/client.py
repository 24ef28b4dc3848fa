"""The one HTTP client for user-supplied URLs: vetted, pinned, bounded.

* the URL is vetted (``addresses.vet``) on every call, because DNS answers change;
* the socket connects to a vetted address; the host name is kept for the Host
  header, SNI and certificate check, so no second DNS answer is ever used;
* redirects are not followed (http.client never follows them; a 3xx is a failure);
* a connect timeout, and one deadline for the whole exchange: per-read socket
  timeouts alone would let a slow-drip response run forever;
* at most ``READ_LIMIT`` bytes of the response are read; ``KEEP`` are kept;
* proxy variables in the environment are ignored (http.client never reads them).
"""

from __future__ import annotations

import http.client
import re
import socket
import ssl
import time
from dataclasses import dataclass, replace

from django.conf import settings

from webhooks.addresses import Target, UnsafeUrl, vet

READ_LIMIT = 64 * 1024
KEEP = 2_000
USER_AGENT = "Patchbay-Webhooks/1.0"


@dataclass(frozen=True)
class Outcome:
    status: int | None = None
    body: str = ""
    duration_ms: int = 0
    resolved_ip: str = ""
    error_class: str = ""  # ssrf_blocked, connect, timeout, tls, protocol
    error: str = ""
    retry_after: int | None = None

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.ends = time.monotonic() + seconds

    def left(self) -> float:
        remaining = self.ends - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("the whole exchange took too long")
        return remaining


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    started = time.monotonic()
    try:
        target = vet(url, allow_loopback_http=settings.WEBHOOKS_ALLOW_LOOPBACK_HTTP)
    except UnsafeUrl as refused:
        return Outcome(error_class="ssrf_blocked", error=refused.message)
    deadline = _Deadline(settings.WEBHOOKS_TOTAL_TIMEOUT)
    address = ""
    try:
        sock, address = _connect(target, deadline)
        outcome = _exchange(sock, target, body, headers, deadline)
    except TimeoutError as error:
        outcome = Outcome(error_class="timeout", error=str(error) or "timed out")
    except ssl.SSLError as error:
        outcome = Outcome(error_class="tls", error=f"TLS: {error.reason or error}")
    except (http.client.HTTPException, ValueError) as error:
        outcome = Outcome(error_class="protocol", error=f"bad response: {type(error).__name__}")
    except OSError as error:
        outcome = Outcome(
            error_class="connect", error=f"connection failed: {error.strerror or error}"
        )
    elapsed = round((time.monotonic() - started) * 1000)
    return replace(outcome, duration_ms=elapsed, resolved_ip=address)


def _connect(target: Target, deadline: _Deadline) -> tuple[socket.socket, str]:
    last_error: OSError | None = None
    for address in target.addresses:
        timeout = min(settings.WEBHOOKS_CONNECT_TIMEOUT, deadline.left())
        # A bare socket to the literal address: no resolver is involved a second time.
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect((address, target.port))
        except OSError as error:
            sock.close()
            last_error = error
            continue
        if target.scheme == "https":
            context = ssl.create_default_context()
            sock = context.wrap_socket(sock, server_hostname=target.host)
        return sock, address
    raise last_error or OSError("no address to connect to")


def _exchange(
    sock: socket.socket,
    target: Target,
    body: bytes,
    headers: dict[str, str],
    deadline: _Deadline,
) -> Outcome:
    connection = http.client.HTTPConnection(target.host, target.port)
    connection.sock = sock  # already connected to the vetted address: no new lookup
    try:
        sock.settimeout(deadline.left())
        connection.request(
            "POST",
            target.request_path,
            body=body,
            headers={"Host": target.host_header, "User-Agent": USER_AGENT, **headers},
        )
        response = connection.getresponse()
        kept = _read_capped(sock, response, deadline)
        return Outcome(
            status=response.status,
            body=kept.decode("utf-8", errors="replace"),
            retry_after=_retry_after(response.getheader("Retry-After")),
        )
    finally:
        connection.close()


def _read_capped(
    sock: socket.socket, response: http.client.HTTPResponse, deadline: _Deadline
) -> bytes:
    kept = b""
    read = 0
    while read < READ_LIMIT:
        sock.settimeout(deadline.left())
        chunk = response.read(min(8192, READ_LIMIT - read))
        if not chunk:
            break
        read += len(chunk)
        if len(kept) < KEEP:
            kept += chunk[: KEEP - len(kept)]
    return kept


def _retry_after(value: str | None) -> int | None:
    # ASCII digits only: str.isdigit() also passes "²", which int() refuses. HTTP-date
    # forms are rare from webhook receivers; they are ignored like any other.
    seconds = (value or "").strip()
    return int(seconds) if re.fullmatch(r"[0-9]{1,9}", seconds) else None
