"""Patchbay's problem+json answers (RFC 9457) as exceptions a program can catch by kind.

Every error the API sends has a ``type`` ending in ``#problem-<name>`` (or the IETF
quota-exceeded type for 429); the name picks the exception class, the status code
the fallback.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from patchbay_client.waiting import retry_after

PROBLEM_MARK = "#problem-"


class PatchbayError(Exception):
    """An error answer from the Patchbay API; ``problem`` holds its whole body."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        self.status = status
        self.problem = problem
        self.type: str = str(problem.get("type", ""))
        self.title: str = str(problem.get("title", ""))
        self.detail: str = str(problem.get("detail", ""))
        super().__init__(f"{status} {self.title}: {self.detail}".strip())


class Unauthorized(PatchbayError):
    """The key is missing, unknown, revoked or expired (401)."""


class KeyExpired(Unauthorized):
    """The key's expiry has passed: ask an owner for a new key."""


class KeyRevoked(Unauthorized):
    """The key was revoked, for good: ask an owner for a new key."""


class ScopeRefused(PatchbayError):
    """The key lacks the scope in ``required_scope`` (403), e.g. ``customers:write``."""

    @property
    def required_scope(self) -> str:
        return str(self.problem.get("required_scope", ""))


class NotFound(PatchbayError):
    """No such record in the key's organisation, or no such endpoint (404)."""


class ValidationError(PatchbayError):
    """The request was refused as invalid (400); ``errors`` maps field to messages."""

    @property
    def errors(self) -> dict[str, list[str]]:
        found = self.problem.get("errors")
        return found if isinstance(found, dict) else {}


class Conflict(PatchbayError):
    """The record's state does not allow the change (409)."""


class RateLimited(PatchbayError):
    """Still over the key's rate limit (429) after the waits the client was allowed."""

    def __init__(self, status: int, problem: dict[str, Any], retry_after: float | None) -> None:
        super().__init__(status, problem)
        self.retry_after = retry_after


class ServerError(PatchbayError):
    """Patchbay failed (5xx): try again later."""


BY_NAME: dict[str, type[PatchbayError]] = {
    "expired-api-key": KeyExpired,
    "revoked-api-key": KeyRevoked,
    "missing-scope": ScopeRefused,
    "invalid-fields": ValidationError,
    "malformed-json": ValidationError,
}
BY_STATUS: dict[int, type[PatchbayError]] = {
    400: ValidationError,
    401: Unauthorized,
    403: ScopeRefused,
    404: NotFound,
    409: Conflict,
}


def _body(response: httpx.Response) -> dict[str, Any]:
    try:
        parsed = json.loads(response.content or b"{}")
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        return parsed
    # Not problem+json (a proxy's page, say): keep what there is to say.
    return {"title": response.reason_phrase, "detail": response.text[:500]}


def error_for(response: httpx.Response) -> PatchbayError:
    """The exception for an error ``response`` (status 400 or more)."""
    problem = _body(response)
    status = response.status_code
    if status == 429:
        return RateLimited(status, problem, retry_after(response))
    if status >= 500:
        return ServerError(status, problem)
    name = str(problem.get("type", "")).partition(PROBLEM_MARK)[2]
    kind = BY_NAME.get(name) or BY_STATUS.get(status, PatchbayError)
    return kind(status, problem)


def raise_for_problem(response: httpx.Response) -> None:
    """An httpx response hook: error answers become exceptions before the caller sees them."""
    if response.status_code >= 400:
        response.read()
        raise error_for(response)


async def araise_for_problem(response: httpx.Response) -> None:
    """The same hook for the asynchronous client."""
    if response.status_code >= 400:
        await response.aread()
        raise error_for(response)
