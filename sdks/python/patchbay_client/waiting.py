"""Waiting out HTTP 429: an httpx transport that sleeps as the server asks, then retries.

Patchbay answers 429 with ``Retry-After`` (seconds) and the IETF draft's ``RateLimit``
header (``"minute";r=0;t=41, …``: ``t`` is seconds until a window frees up). The
wait is ``Retry-After`` when present, else the largest ``t`` among exhausted windows,
else a short back-off. Requests are only retried after a 429, which the server
answers before doing anything, so a retried write never happens twice.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from email.utils import parsedate_to_datetime

import httpx

FALLBACK_SECONDS = 1.0
_WINDOW = re.compile(r'"?(?P<name>[^";,\s]+)"?\s*;(?P<params>[^,]*)')


def _param(params: str, name: str) -> int | None:
    found = re.search(rf"(?:^|;)\s*{name}=(\d+)", params)
    return int(found.group(1)) if found else None


def _from_ratelimit(header: str) -> float | None:
    waits = [
        _param(match["params"], "t")
        for match in _WINDOW.finditer(header)
        if _param(match["params"], "r") == 0
    ]
    known = [wait for wait in waits if wait is not None]
    return float(max(known)) if known else None


def _from_retry_after(header: str) -> float | None:
    if header.strip().isdigit():
        return float(header.strip())
    try:
        moment = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def retry_after(response: httpx.Response) -> float | None:
    """Seconds the server asks the client to wait, or None when it does not say."""
    if "Retry-After" in response.headers:
        seconds = _from_retry_after(response.headers["Retry-After"])
        if seconds is not None:
            return seconds
    if "RateLimit" in response.headers:
        return _from_ratelimit(response.headers["RateLimit"])
    return None


def next_wait(response: httpx.Response, attempt: int, max_wait: float) -> float | None:
    """How long to wait before retrying ``response``; None: hand it to the caller."""
    if response.status_code != 429:
        return None
    wait = retry_after(response)
    wait = FALLBACK_SECONDS * 2**attempt if wait is None else wait
    return None if wait > max_wait else wait


class WaitingTransport(httpx.BaseTransport):
    """Retries a request refused with 429 after the wait the server names.

    At most ``max_retries`` waits per request, none longer than ``max_wait`` seconds:
    beyond either the 429 goes back to the caller (as ``RateLimited``).
    """

    def __init__(
        self,
        inner: httpx.BaseTransport | None = None,
        *,
        max_retries: int = 3,
        max_wait: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        on_wait: Callable[[float, httpx.Request], None] | None = None,
    ) -> None:
        self.inner = inner or httpx.HTTPTransport()
        self.max_retries = max_retries
        self.max_wait = max_wait
        self.sleep = sleep
        self.on_wait = on_wait

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        for attempt in range(self.max_retries):
            wait = next_wait(response, attempt, self.max_wait)
            if wait is None:
                return response
            response.close()
            if self.on_wait is not None:
                self.on_wait(wait, request)
            self.sleep(wait)
            response = self.inner.handle_request(request)
        return response

    def close(self) -> None:
        self.inner.close()


class AsyncWaitingTransport(httpx.AsyncBaseTransport):
    """The same waits for the generated ``asyncio`` functions, without blocking the loop."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport | None = None,
        *,
        max_retries: int = 3,
        max_wait: float = 120.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        on_wait: Callable[[float, httpx.Request], None] | None = None,
    ) -> None:
        self.inner = inner or httpx.AsyncHTTPTransport()
        self.max_retries = max_retries
        self.max_wait = max_wait
        self.sleep = sleep
        self.on_wait = on_wait

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        for attempt in range(self.max_retries):
            wait = next_wait(response, attempt, self.max_wait)
            if wait is None:
                return response
            await response.aclose()
            if self.on_wait is not None:
                self.on_wait(wait, request)
            await self.sleep(wait)
            response = await self.inner.handle_async_request(request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()
