"""Run Radicale and the iCloud fault layer in a thread, and read what Radicale stored."""

from __future__ import annotations

import socketserver
import threading
import wsgiref.simple_server as simple_server
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from sandbox.icloud.faults import ICloudFaults
from sandbox.icloud.radicale_setup import DEMO_USERS, application

FRONT_HOST = "127.0.0.1"  # caldav.icloud.com
PARTITION_HOST = "localhost"  # pNN-caldav.icloud.com: another name for the same server
POLL_SECONDS = 0.05  # how soon stop() is noticed (serve_forever's default is 0.5 s)


class _ThreadingServer(socketserver.ThreadingMixIn, simple_server.WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(simple_server.WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """One line per request would drown the test output and make run's console."""


class ICloudSandbox:
    """Radicale behind ``ICloudFaults`` on ``port`` (0: a free one), storing in
    ``storage``. ``url`` is the front host, the one ICLOUD_CALDAV_URL points at."""

    def __init__(self, storage: Path, users: Mapping[str, str] = DEMO_USERS, port: int = 0) -> None:
        self.storage = Path(storage)
        self.users = dict(users)
        self.faults = ICloudFaults(application(self.storage, self.users), list(self.users))
        self._server = simple_server.make_server(
            FRONT_HOST,
            port,
            self.faults,
            server_class=_ThreadingServer,
            handler_class=_QuietHandler,
        )
        self.port = self._server.server_port
        self.faults.partition_host = f"{PARTITION_HOST}:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": POLL_SECONDS},
            name="icloud-sandbox",
            daemon=True,
        )

    @property
    def url(self) -> str:
        return f"http://{FRONT_HOST}:{self.port}/"

    def start(self) -> ICloudSandbox:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted (the ``python -m`` entry point)."""
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()

    def __enter__(self) -> ICloudSandbox:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    # --- what Radicale holds, read from its storage folder --------------------------
    def collection(self, apple_id: str, calendar: str) -> Path:
        return self.storage / "collections" / "collection-root" / apple_id / calendar

    def stored_events(self, apple_id: str, calendar: str) -> dict[str, str]:
        """File name -> iCalendar text of every event Radicale stored in the calendar."""
        folder = self.collection(apple_id, calendar)
        events: dict[str, str] = {}
        for path in sorted(folder.glob("*.ics")):
            # Read while a client may be deleting: a file listed a moment ago can be gone.
            try:
                events[path.name] = path.read_text()
            except FileNotFoundError:
                continue
        return events

    def calendars(self, apple_id: str) -> list[str]:
        root = self.storage / "collections" / "collection-root" / apple_id
        return sorted(p.name for p in root.iterdir() if (p / ".Radicale.props").exists())
