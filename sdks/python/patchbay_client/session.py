"""A ready client: the key as a Bearer header, 429s waited out, problems raised."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from patchbay_client.generated.client import AuthenticatedClient
from patchbay_client.problems import araise_for_problem, raise_for_problem
from patchbay_client.waiting import AsyncWaitingTransport, WaitingTransport

API_PREFIX = "/api/v1"
USER_AGENT = "patchbay-client-python"


def origin_of(url: str) -> str:
    """The generated operations carry /api/v1/ in their paths: accept either form."""
    url = url.rstrip("/")
    return url.removesuffix(API_PREFIX)


def connect(
    url: str,
    api_key: str,
    *,
    timeout: float = 30.0,
    max_retries: int = 3,
    max_wait: float = 120.0,
    sleep: Callable[[float], None] | None = None,
    on_wait: Callable[[float, httpx.Request], None] | None = None,
    transport: httpx.BaseTransport | None = None,
    async_transport: httpx.AsyncBaseTransport | None = None,
) -> AuthenticatedClient:
    """A client for the generated operations (``patchbay_client.generated.api``).

    ``url`` is Patchbay's address, with or without ``/api/v1``. A 429 is waited out
    up to ``max_retries`` times (each wait at most ``max_wait`` seconds); any other
    error answer raises a ``PatchbayError`` subclass. Both the ``sync`` and the
    ``asyncio`` functions of the generated operations get this behaviour.
    """
    waiting = WaitingTransport(
        transport,
        max_retries=max_retries,
        max_wait=max_wait,
        on_wait=on_wait,
        **({"sleep": sleep} if sleep is not None else {}),
    )
    waiting_async = AsyncWaitingTransport(
        async_transport, max_retries=max_retries, max_wait=max_wait, on_wait=on_wait
    )
    headers = {"Authorization": f"Bearer {api_key}", "User-Agent": USER_AGENT}
    base = origin_of(url)
    client = AuthenticatedClient(base_url=base, token=api_key)
    client.set_httpx_client(
        httpx.Client(
            base_url=base,
            headers=headers,
            timeout=timeout,
            transport=waiting,
            event_hooks={"response": [raise_for_problem]},
        )
    )
    return client.set_async_httpx_client(
        httpx.AsyncClient(
            base_url=base,
            headers=headers,
            timeout=timeout,
            transport=waiting_async,
            event_hooks={"response": [araise_for_problem]},
        )
    )
