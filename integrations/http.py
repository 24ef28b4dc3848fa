"""Outbound HTTP to providers: a session per thread, timeouts always, failures classified."""

from __future__ import annotations

import math
import threading
from typing import Any

import requests

from integrations.errors import ProviderUnavailable, RateLimited

CONNECT_TIMEOUT = 5
READ_TIMEOUT = 20

_local = threading.local()


def session() -> requests.Session:
    """This thread's session: requests.Session is not thread-safe, and the engine pushes
    from a pool of threads; each keeps its own connection pool alive between calls."""
    current: requests.Session | None = getattr(_local, "session", None)
    if current is None:
        current = _local.session = requests.Session()
    return current


def request(method: str, url: str, *, access_token: str, **kwargs: Any) -> requests.Response:
    """An authenticated call. Network failures, 5xx and 429 raise ProviderUnavailable."""
    headers = {"Authorization": f"Bearer {access_token}", "Accept": "application/json"}
    headers.update(kwargs.pop("headers", {}))
    try:
        response = session().request(
            method,
            url,
            headers=headers,
            timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            allow_redirects=False,
            **kwargs,
        )
    except requests.RequestException as error:
        raise ProviderUnavailable(
            f"could not reach the provider ({type(error).__name__})"
        ) from error
    if response.status_code == 429:
        raise rate_limited(response)
    if response.status_code >= 500:
        raise ProviderUnavailable(f"the provider answered {response.status_code}")
    return response


def public_json(url: str) -> Any:
    """An unauthenticated GET of a provider's published JSON (a JWK set, say)."""
    try:
        response = session().get(
            url,
            headers={"Accept": "application/json"},
            timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            allow_redirects=False,
        )
    except requests.RequestException as error:
        raise ProviderUnavailable(f"could not reach {url} ({type(error).__name__})") from error
    if response.status_code != 200:
        raise ProviderUnavailable(f"{url} answered {response.status_code}")
    try:
        return response.json()
    except ValueError as error:
        raise ProviderUnavailable(f"{url} answered something unreadable") from error


def rate_limited(response: requests.Response) -> RateLimited:
    """Xero names the limit in X-Rate-Limit-Problem (minute, day; case varies). Without a
    usable Retry-After (Sage sends none), a minute is assumed and marked as not stated."""
    try:
        retry_after = float(response.headers.get("Retry-After", ""))
    except ValueError:
        retry_after = math.nan
    stated = math.isfinite(retry_after)
    problem = response.headers.get("X-Rate-Limit-Problem", "").lower()
    return RateLimited(
        f"the provider is rate limiting ({problem or 'unknown limit'})",
        retry_after if stated else 60.0,
        problem,
        stated=stated,
    )
