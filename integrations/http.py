"""Outbound HTTP to providers: a session per thread, timeouts always, failures classified."""

from __future__ import annotations

import math
import threading
from typing import Any

import requests
from requests.auth import AuthBase

from integrations.errors import Outage, ProviderUnavailable, RateLimited

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


def _send(method: str, url: str, target: str, **kwargs: Any) -> requests.Response:
    """One call on this thread's session with the shared timeouts, never following a
    redirect; a network failure raises ProviderUnavailable naming ``target``."""
    try:
        return session().request(
            method, url, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT), allow_redirects=False, **kwargs
        )
    except requests.RequestException as error:
        raise Outage(f"could not reach {target} ({type(error).__name__})") from error


def request(method: str, url: str, *, access_token: str, **kwargs: Any) -> requests.Response:
    """An authenticated call. Network failures, 5xx and 429 raise ProviderUnavailable."""
    headers = {"Authorization": f"Bearer {access_token}", "Accept": "application/json"}
    headers.update(kwargs.pop("headers", {}))
    response = _send(method, url, "the provider", headers=headers, **kwargs)
    if response.status_code == 429:
        raise rate_limited(response)
    if response.status_code >= 500:
        failed = Outage(f"the provider answered {response.status_code}")
        failed.answer = response
        raise failed
    return response


def as_client(
    method: str, url: str, *, auth: AuthBase, target: str, **kwargs: Any
) -> requests.Response:
    """A call the app makes in its own name, authenticated by ``auth`` (client credentials,
    RFC 6749 2.3.1), such as a token revocation. Only a network failure raises
    (ProviderUnavailable naming ``target``): the caller judges the answer."""
    headers = {"Accept": "application/json"}
    headers.update(kwargs.pop("headers", {}))
    return _send(method, url, target, headers=headers, auth=auth, **kwargs)


def public_json(url: str) -> Any:
    """An unauthenticated GET of a provider's published JSON (a JWK set, say)."""
    response = _send("GET", url, url, headers={"Accept": "application/json"})
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
    limited = RateLimited(
        f"the provider is rate limiting ({problem or 'unknown limit'})",
        retry_after if stated else 60.0,
        problem,
        stated=stated,
    )
    limited.answer = response
    return limited
