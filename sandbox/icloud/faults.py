"""The iCloud differences, as WSGI middleware in front of Radicale.

* Two hosts: the front host (``caldav.icloud.com``) answers discovery only, and the
  calendars live on a partition host (``pNN-caldav.icloud.com``) under its own path
  prefix. The front host names the principal ``/<dsid>/principal/`` (not the home,
  as Radicale does) and gives the calendar home as an absolute partition URL; any
  other request to the front host is a 404, so a client that ignores the partition
  fails here as it would at Apple.
* 401s carry iCloud's two challenges; ``revoke`` makes every request of an Apple ID
  a 401, as an Apple Account password change does.
* ``throttle`` answers the next requests 429 or 503, with or without Retry-After.
* ``drop_etags`` answers the next PUTs 2xx without an ETag.
* ``If-Match: *`` is answered 412 (iCloud holds it backwards), and a VEVENT without
  DTEND or DURATION is refused with 403.
* ``flaky`` fails a share of requests: half answered 503 before anything happens, half
  carried out and then answered 504 (a lost answer: the write happened); ``slow``
  delays every request, so a test can act while a push is under way.
* ``seen`` records each request (method, host, path, conditional headers, body),
  so a test can assert what the client sent.
"""

from __future__ import annotations

import base64
import io
import random
import re
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
App = Callable[[Environ, StartResponse], Iterable[bytes]]

CHALLENGES = [
    ("WWW-Authenticate", 'X-MobileMe-AuthToken realm="MMCalDav"'),
    ("WWW-Authenticate", 'Basic realm="MMCalDav"'),
]
REASONS = {
    301: "Moved Permanently",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    412: "Precondition Failed",
    429: "Too Many Requests",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
_PRINCIPAL = re.compile(r"(<(?:\w+:)?current-user-principal>\s*<(?:\w+:)?href>)([^<]*)(<)")
_HOME = re.compile(r"(<(?:\w+:)?calendar-home-set>\s*<(?:\w+:)?href>)([^<]*)(<)")


def dsid(apple_id: str) -> str:
    """iCloud names principals by a numeric person id, not by the Apple ID."""
    return str(10**9 + zlib.crc32(apple_id.encode()) % 10**9)


@dataclass(frozen=True)
class Seen:
    method: str
    host: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class _Throttle:
    status: int
    retry_after: str | None
    method: str | None


@dataclass
class ICloudFaults:
    app: App
    apple_ids: Iterable[str]
    partition_prefix: str = "/p42-caldav"
    partition_host: str = ""  # "localhost:PORT"; set once the port is known
    seen: list[Seen] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _throttles: deque[_Throttle] = field(default_factory=deque)
    _revoked: set[str] = field(default_factory=set)
    _etagless_puts: int = 0
    _flaky_ratio: float = 0.0
    _random: random.Random = field(default_factory=random.Random)
    _delay: float = 0.0
    injected: int = 0  # requests flaky failed on purpose

    def __post_init__(self) -> None:
        self._users_by_dsid = {dsid(apple_id): apple_id for apple_id in self.apple_ids}

    # --- switches for tests -------------------------------------------------------
    def throttle(
        self,
        status: int = 429,
        *,
        retry_after: str | None = None,
        method: str | None = None,
        times: int = 1,
    ) -> None:
        with self._lock:
            self._throttles.extend(_Throttle(status, retry_after, method) for _ in range(times))

    def revoke(self, apple_id: str) -> None:
        with self._lock:
            self._revoked.add(apple_id)

    def drop_etags(self, times: int = 1) -> None:
        with self._lock:
            self._etagless_puts += times

    def flaky(self, ratio: float, seed: int | None = None) -> None:
        with self._lock:
            self._flaky_ratio, self._random = ratio, random.Random(seed)  # noqa: S311 - faults

    def slow(self, seconds: float) -> None:
        self._delay = seconds

    def _roll(self) -> str:
        """ "" to let the request through, "before" or "after" to fail it."""
        with self._lock:
            if self._flaky_ratio <= 0 or self._random.random() >= self._flaky_ratio:
                return ""
            self.injected += 1
            return self._random.choice(("before", "after"))

    def principal_path(self, apple_id: str) -> str:
        return f"/{dsid(apple_id)}/principal/"

    def home_url(self, apple_id: str) -> str:
        return f"http://{self.partition_host}{self.partition_prefix}/{quote(apple_id)}/"

    # --- the WSGI application -------------------------------------------------------
    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        start_response = _icloud_challenges(start_response)
        body = _read_body(environ)
        request = self._record(environ, body)
        if self._delay:
            time.sleep(self._delay)
        refusal = self._refusal(environ, request)
        if refusal is not None:
            return _answer(start_response, *refusal)
        environ.pop("HTTP_ACCEPT_ENCODING", None)  # plain bodies, so they can be rewritten
        failure = self._roll()
        if failure == "before":
            return _answer(start_response, 503, [])
        if request.host == self.partition_host:
            answer = self._partition(environ, start_response if not failure else _ignored, request)
        else:
            answer = self._front(environ, start_response if not failure else _ignored, request)
        if failure == "after":
            b"".join(answer)  # carried out, then the answer is lost on the way back
            return _answer(start_response, 504, [])
        return answer

    def _record(self, environ: Environ, body: bytes) -> Seen:
        headers = {
            name: environ[key]
            for name, key in (
                ("If-Match", "HTTP_IF_MATCH"),
                ("If-None-Match", "HTTP_IF_NONE_MATCH"),
                ("Depth", "HTTP_DEPTH"),
            )
            if key in environ
        }
        request = Seen(
            environ["REQUEST_METHOD"],
            environ.get("HTTP_HOST", ""),
            environ.get("PATH_INFO", "/"),
            headers,
            body,
        )
        with self._lock:
            self.seen.append(request)
        return request

    def _refusal(self, environ: Environ, request: Seen) -> tuple[int, list[tuple[str, str]]] | None:
        with self._lock:
            if _login(environ) in self._revoked:
                return 401, []  # the challenges are added on the way out
            for throttle in self._throttles:
                if throttle.method in (None, request.method):
                    self._throttles.remove(throttle)
                    wait = [("Retry-After", throttle.retry_after)] if throttle.retry_after else []
                    return throttle.status, wait
        if request.headers.get("If-Match", "").strip() == "*":
            return 412, []
        if request.method == "PUT" and _event_without_end(request.body):
            return 403, []
        return None

    def _partition(
        self, environ: Environ, start_response: StartResponse, request: Seen
    ) -> Iterable[bytes]:
        path = request.path
        if not (path + "/").startswith(self.partition_prefix + "/"):
            return _answer(start_response, 404, [])
        environ["SCRIPT_NAME"] = self.partition_prefix
        environ["PATH_INFO"] = path[len(self.partition_prefix) :] or "/"
        if request.method != "PUT":
            return self.app(environ, start_response)
        return self._put(environ, start_response)

    def _put(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        with self._lock:
            drop = self._etagless_puts > 0
            self._etagless_puts -= 1 if drop else 0
        if not drop:
            return self.app(environ, start_response)

        def without_etag(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            return start_response(status, [h for h in headers if h[0].lower() != "etag"], *rest)

        return self.app(environ, without_etag)

    def _front(
        self, environ: Environ, start_response: StartResponse, request: Seen
    ) -> Iterable[bytes]:
        if request.path == "/.well-known/caldav":
            return _answer(start_response, 301, [("Location", "/")])
        apple_id = self._users_by_dsid.get(request.path.strip("/").split("/")[0], "")
        if request.method == "PROPFIND" and request.path == "/":
            return self._rewritten(environ, start_response, _login(environ))
        if request.method == "PROPFIND" and request.path == self.principal_path(apple_id):
            environ["PATH_INFO"] = f"/{apple_id}/"
            return self._rewritten(environ, start_response, apple_id)
        return _answer(start_response, 404, [])

    def _rewritten(
        self, environ: Environ, start_response: StartResponse, apple_id: str
    ) -> Iterable[bytes]:
        """Radicale's discovery answer with iCloud's principal and home hrefs."""
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            captured.update(status=status, headers=headers)
            return lambda data: None

        text = b"".join(self.app(environ, capture)).decode()
        text = _PRINCIPAL.sub(rf"\g<1>{self.principal_path(apple_id)}\g<3>", text)
        text = _HOME.sub(rf"\g<1>{self.home_url(apple_id)}\g<3>", text)
        data = text.encode()
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(captured["status"], [*headers, ("Content-Length", str(len(data)))])
        return [data]


def _ignored(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
    return lambda data: None


def _icloud_challenges(start_response: StartResponse) -> StartResponse:
    """Radicale's 401 offers its own Basic realm; iCloud's offers two schemes."""

    def start(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
        if status.startswith("401"):
            headers = [h for h in headers if h[0].lower() != "www-authenticate"] + CHALLENGES
        return start_response(status, headers, *rest)

    return start


def _read_body(environ: Environ) -> bytes:
    """Read the request body once and put it back for Radicale."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return bytes(body)


def _login(environ: Environ) -> str:
    header = environ.get("HTTP_AUTHORIZATION", "")
    if not header.lower().startswith("basic "):
        return ""
    try:
        return base64.b64decode(header[6:]).decode().split(":", 1)[0]
    except (ValueError, UnicodeDecodeError):
        return ""


def _event_without_end(body: bytes) -> bool:
    text = body.decode(errors="replace").replace("\r\n ", "")
    if "BEGIN:VEVENT" not in text:
        return False
    names = {line.split(":", 1)[0].split(";", 1)[0] for line in text.splitlines()}
    return "DTEND" not in names and "DURATION" not in names


def _answer(
    start_response: StartResponse, status: int, headers: list[tuple[str, str]]
) -> list[bytes]:
    start_response(f"{status} {REASONS[status]}", [*headers, ("Content-Length", "0")])
    return [b""]
