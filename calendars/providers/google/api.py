"""Calls to the Calendar API for one connection, each through the platform's audited
and budgeted layer (integrations.audit.Recorder: the token layer, the per-user limit of
600 calls a minute, a 429's Retry-After, the audit row).
https://developers.google.com/workspace/calendar/api/guides/quota
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import requests
from django.conf import settings

from integrations.audit import Call, Recorder
from integrations.limiter import Limiter, Limits, per_minute
from integrations.models import Connection, SyncRun

SLUG = "google-calendar"
# Per user per project; the 10,000 a minute per project is far above Patchbay's use.
LIMITS = Limits((per_minute(600),))


def _segment(value: str) -> str:
    return quote(value, safe="@")


class GoogleApi:
    def __init__(self, connection: Connection, run: SyncRun | None = None) -> None:
        self.connection = connection
        limiter = Limiter(SLUG, connection.remote_id or str(connection.pk), LIMITS)
        self.recorder = Recorder(connection, run, limiter)

    @property
    def base(self) -> str:
        return str(settings.GOOGLE_CALENDAR_API_BASE)

    def url(self, *segments: str) -> str:
        return "/".join([self.base, *(_segment(segment) for segment in segments)])

    def send(
        self,
        method: str,
        url: str,
        *,
        entity: str,
        body: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> requests.Response:
        direction = "pull" if method == "GET" else "push"
        call = Call(
            direction=direction,
            entity=entity,
            method=method,
            url=url,
            local_ids=[],
            body=body,
            params=params,
            headers=headers,
            # What Google answers a read is the user's own calendar: kept out of the audit.
            private_response=method == "GET",
        )
        response, _ = self.recorder.send(call)
        return response
