"""HTTP for one iCloud account: Basic auth, allow-listed hosts, timeouts, typed failures.

Every request goes to a URL the host policy allowed (see ``hosts``), never follows a
redirect on its own (``follow`` does, vetting each hop), and carries the platform's
connect and read timeouts. Statuses that mean the same thing everywhere become
errors here (401, 429/503, other 5xx, network); the callers read the rest.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

import requests

from calendars.providers.icloud.errors import (
    CredentialsRefused,
    ICloudRateLimited,
    ICloudUnavailable,
    UnexpectedResponse,
)
from calendars.providers.icloud.hosts import HostPolicy, server_url
from integrations.http import CONNECT_TIMEOUT, READ_TIMEOUT, session

USER_AGENT = "Patchbay-Calendars/1.0"
XML = "application/xml; charset=utf-8"
REDIRECTS = frozenset({301, 302, 307, 308})
MAX_REDIRECTS = 5
# iCloud may throttle without saying for how long: wait a minute, marked as unstated.
DEFAULT_WAIT = 60.0


# Told of every exchange: method, URL, status (None: no answer), milliseconds, body sent.
Witness = Callable[[str, str, int | None, int, bytes | None], None]


@dataclass(frozen=True)
class Credentials:
    apple_id: str
    app_password: str = field(repr=False)


class Transport:
    def __init__(
        self,
        credentials: Credentials,
        *,
        server: str | None = None,
        timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
        witness: Witness | None = None,
    ) -> None:
        self.witness = witness
        self.server = server or server_url()
        self.policy = HostPolicy.for_server(self.server)
        self.credentials = credentials
        self.timeout = timeout

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> requests.Response:
        """One exchange with ``url``; raises on 401, throttling, 5xx and network failure."""
        self.policy.check(url)
        started = time.monotonic()
        try:
            response = self._exchange(method, url, headers, body)
        except requests.RequestException as error:
            self._witness(method, url, None, started, body)
            raise ICloudUnavailable(f"could not reach iCloud ({type(error).__name__})") from error
        self._witness(method, url, response.status_code, started, body)
        _raise_for_common_status(response)
        return response

    def _witness(
        self, method: str, url: str, status: int | None, started: float, body: bytes | None
    ) -> None:
        if self.witness is not None:
            self.witness(method, url, status, int((time.monotonic() - started) * 1000), body)

    def _exchange(
        self, method: str, url: str, headers: dict[str, str] | None, body: bytes | None
    ) -> requests.Response:
        return session().request(
            method,
            url,
            data=body,
            headers={"User-Agent": USER_AGENT, **(headers or {})},
            auth=(self.credentials.apple_id, self.credentials.app_password),
            timeout=self.timeout,
            allow_redirects=False,
        )

    def follow(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> tuple[str, requests.Response]:
        """``request``, following redirects with the same method and body (discovery
        moves to a partition host). Returns the URL that answered and its response."""
        for _ in range(MAX_REDIRECTS + 1):
            response = self.request(method, url, headers=headers, body=body)
            if response.status_code not in REDIRECTS:
                return url, response
            url = urljoin(url, response.headers.get("Location", ""))
        raise UnexpectedResponse(f"more than {MAX_REDIRECTS} redirects from iCloud")


def _raise_for_common_status(response: requests.Response) -> None:
    status = response.status_code
    if status == 401:
        raise CredentialsRefused()
    if status in (429, 503):
        wait, stated = retry_after(response.headers.get("Retry-After"))
        raise ICloudRateLimited(
            f"iCloud is throttling requests ({status})", wait, str(status), stated=stated
        )
    if status >= 500:
        raise ICloudUnavailable(f"iCloud answered {status}")


def retry_after(value: str | None, *, now: dt.datetime | None = None) -> tuple[float, bool]:
    """Retry-After as seconds (delta-seconds or an HTTP-date) and whether it was given."""
    if value is None or not value.strip():
        return DEFAULT_WAIT, False
    try:
        seconds = float(value)
    except ValueError:
        seconds = _seconds_until(value, now or dt.datetime.now(dt.UTC))
    if not math.isfinite(seconds):
        return DEFAULT_WAIT, False
    return max(seconds, 0.0), True


def _seconds_until(http_date: str, now: dt.datetime) -> float:
    try:
        when = email.utils.parsedate_to_datetime(http_date)
    except (TypeError, ValueError):
        return math.nan
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return (when - now).total_seconds()
