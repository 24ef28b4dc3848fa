"""Graph calls for one connection, through the platform's audited, budgeted call layer
(integrations.audit.Recorder: token refresh, the per-mailbox limiter, 429 Retry-After,
the audit log). Statuses every call means alike are judged here.

Outlook's limits are per app and mailbox: 10,000 requests per 10 minutes and four
concurrent requests (https://learn.microsoft.com/graph/throttling-limits). Patchbay
keeps a little below the first.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings

from integrations.audit import Call, Recorder
from integrations.errors import ProviderError
from integrations.limiter import Limiter, Limits, Window, at_once
from integrations.models import Connection, SyncRun

LIMITS = Limits((Window("ten-minutes", 9_000, 600_000), at_once(4)))
# Immutable ids survive moves between calendars (https://learn.microsoft.com/graph/outlook-immutable-id).
IMMUTABLE = 'IdType="ImmutableId"'


def base() -> str:
    return str(settings.OUTLOOK_GRAPH_BASE).rstrip("/")


def url(path: str) -> str:
    return f"{base()}/{path.lstrip('/')}"


def own_url(link: str) -> str:
    """A nextLink/deltaLink Graph handed back, only if it points at Graph (no SSRF)."""
    if urlsplit(link).netloc != urlsplit(base()).netloc or not link.startswith(base()):
        raise ProviderError("Graph returned a link outside Graph; refused to follow it.")
    return link


def error_code(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    return str(error.get("code", "")) if isinstance(error, dict) else ""


class Graph:
    def __init__(self, connection: Connection, run: SyncRun | None = None) -> None:
        scope = connection.remote_id or str(connection.pk)
        self.recorder = Recorder(connection, run, Limiter("outlook", scope, LIMITS))

    def send(
        self,
        method: str,
        target: str,
        *,
        entity: str,
        body: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        direction = "pull" if method == "GET" else "push"
        prefer = IMMUTABLE + (
            f", {headers.pop('Prefer')}" if headers and "Prefer" in headers else ""
        )
        call = Call(
            direction,
            entity,
            method,
            target if target.startswith(("http://", "https://")) else url(target),
            [],
            body=body,
            params=params,
            headers={"Prefer": prefer, **(headers or {})},
            # What Graph answers a read is the user's own mailbox: kept out of the audit.
            private_response=method == "GET",
        )
        response, _ = self.recorder.send(call)
        return response
