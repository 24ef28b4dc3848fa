"""A webhook receiver for tests and benchmarks: a real HTTP server on 127.0.0.1.

It records every request (headers, raw body, time received) and answers with a
status the test sets; it can hold requests until released, to catch a sender
mid-delivery, or answer with a redirect or a large body.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.time() when the body was read

    @property
    def webhook_id(self) -> str:
        return self.headers.get("webhook-id", "")


@dataclass
class Behaviour:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    hold: threading.Event | None = None  # answer only once this is set...
    hold_after: int = 0  # ...to requests that arrive after this many
    delay: float = 0.0  # seconds to wait before answering (a slow receiver)


class Receiver:
    def __init__(self, behaviour: Behaviour | None = None) -> None:
        self.behaviour = behaviour or Behaviour()
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.held = threading.Event()  # set when a request is being held
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.behaviour.hold is not None:
            self.behaviour.hold.set()
        self.server.shutdown()
        self.server.server_close()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def ids(self) -> list[str]:
        with self.lock:
            return [request.webhook_id for request in self.received]

    def _record(self, request: Received) -> None:
        with self.lock:
            self.received.append(request)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # The headers and the body go out in two writes; with Nagle on, the body waits
            # for the client's delayed ACK of the headers (up to 40 ms on Linux), and every
            # delivery to this receiver took that long. Real servers send with TCP_NODELAY.
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                headers = {name.lower(): value for name, value in self.headers.items()}
                receiver._record(Received(self.path, headers, body, time.time()))
                behaviour = receiver.behaviour
                hold = behaviour.hold
                arrived = len(receiver.received)
                if hold is not None and not hold.is_set() and arrived > behaviour.hold_after:
                    receiver.held.set()
                    hold.wait(60)
                if behaviour.delay:
                    time.sleep(behaviour.delay)
                self.send_response(behaviour.status)
                for name, value in behaviour.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(behaviour.body)))
                self.end_headers()
                self.wfile.write(behaviour.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output quiet

        return Handler
