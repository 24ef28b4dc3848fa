"""The one HTTP client for user-supplied URLs: vetted, pinned, bounded.

* the URL is vetted (``addresses.vet``) on every call, because DNS answers change;
* the socket connects to a vetted address; the host name is kept for the Host
  header, SNI and certificate check, so no second DNS answer is ever used;
* redirects are not followed (http.client never follows them; a 3xx is a failure);
* a connect timeout, and one deadline for the whole exchange: per-read socket
  timeouts alone would let a slow-drip response run forever;
* at most ``READ_LIMIT`` bytes of the response are read; ``KEEP`` are kept;
* proxy variables in the environment are ignored (http.client never reads them);
* with a ``Pool``, a finished exchange's connection is kept open and reused for the
  next call to the same host, but only while its address is still among the ones the
  URL vets to *now*: reuse never skips the check, it only skips the TCP/TLS handshake.
"""

from __future__ import annotations

import http.client
import re
import socket
import ssl
import threading
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


_PoolKey = tuple[str, str, int, str]  # scheme, host, port, the pinned address


class Pool:
    """Idle keep-alive connections, each pinned to the address it was opened to.

    Thread-safe: many sender threads take and give back connections at once.
    """

    def __init__(self, idle_per_key: int = 32) -> None:
        self.idle_per_key = idle_per_key
        self._idle: dict[_PoolKey, list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()

    def take(self, target: Target) -> tuple[http.client.HTTPConnection, str] | None:
        with self._lock:
            for address in target.addresses:  # only an address vetted this time
                idle = self._idle.get(_key(target, address))
                if idle:
                    return idle.pop(), address
        return None

    def give(self, target: Target, address: str, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.setdefault(_key(target, address), [])
            if len(idle) < self.idle_per_key:
                idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection in connections:
                connection.close()


def _key(target: Target, address: str) -> _PoolKey:
    return (target.scheme, target.host, target.port, address)


# A kept connection the receiver has meanwhile closed fails like this before any answer:
# the request is then sent once more on a new connection.
_STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError)


def post(url: str, body: bytes, headers: dict[str, str], pool: Pool | None = None) -> Outcome:
    started = time.monotonic()
    try:
        target = vet(url, allow_loopback_http=settings.WEBHOOKS_ALLOW_LOOPBACK_HTTP)
    except UnsafeUrl as refused:
        return Outcome(error_class="ssrf_blocked", error=refused.message)
    deadline = _Deadline(settings.WEBHOOKS_TOTAL_TIMEOUT)
    address = ""
    try:
        outcome, address = _send(target, body, headers, deadline, pool)
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


def _send(
    target: Target,
    body: bytes,
    headers: dict[str, str],
    deadline: _Deadline,
    pool: Pool | None,
) -> tuple[Outcome, str]:
    kept = pool.take(target) if pool is not None else None
    if kept is not None:
        connection, address = kept
        try:
            return _exchange(connection, target, body, headers, deadline, pool, address), address
        except _STALE:
            pass  # closed by the receiver while idle: _exchange closed it; open a new one
    sock, address = _connect(target, deadline)
    connection = _wrap(sock, target)
    return _exchange(connection, target, body, headers, deadline, pool, address), address


def _wrap(sock: socket.socket, target: Target) -> http.client.HTTPConnection:
    connection = http.client.HTTPConnection(target.host, target.port)
    connection.sock = sock  # already connected to the vetted address: no new lookup
    # Never let http.client reconnect on its own: that would resolve the host again.
    connection.auto_open = 0
    return connection


def _connect(target: Target, deadline: _Deadline) -> tuple[socket.socket, str]:
    last_error: OSError | None = None
    for address in target.addresses:
        timeout = min(settings.WEBHOOKS_CONNECT_TIMEOUT, deadline.left())
        # A bare socket to the literal address: no resolver is involved a second time.
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        # As http.client's own connect does: a request larger than one segment goes out
        # in two writes, and with Nagle on the second waits for the receiver's delayed ACK.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
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
    connection: http.client.HTTPConnection,
    target: Target,
    body: bytes,
    headers: dict[str, str],
    deadline: _Deadline,
    pool: Pool | None,
    address: str,
) -> Outcome:
    sock = connection.sock
    reusable = False
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
        # Reusable only when the whole answer was read and the receiver keeps the line open.
        reusable = pool is not None and response.isclosed() and not response.will_close
        return Outcome(
            status=response.status,
            body=kept.decode("utf-8", errors="replace"),
            retry_after=_retry_after(response.getheader("Retry-After")),
        )
    finally:
        if reusable and pool is not None:
            pool.give(target, address, connection)
        else:
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
