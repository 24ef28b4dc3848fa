"""Drives the Google Calendar sandbox the way an app and a person do, through
django.test.Client: the consent screens, the token and revocation endpoints, and the
Calendar API with a Bearer token."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.conf import settings
from django.test import Client
from django.urls import reverse

from sandbox.core.crypto import s256
from sandbox.google_calendar import seed
from sandbox.google_calendar.identity import AUTH

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

EVENTS = f"{AUTH}calendar.events"
APP_CREATED = f"{AUTH}calendar.app.created"
CALENDAR_LIST = f"{AUTH}calendar.calendarlist.readonly"
PATCHBAY_SCOPES = (APP_CREATED, EVENTS, CALENDAR_LIST)
AUTHORIZE = reverse("sandbox:google_calendar:authorize")
TOKEN = reverse("sandbox:google_calendar:token")
REVOKE = reverse("sandbox:google_calendar:revoke")
CONSOLE = reverse("sandbox:google_calendar:console")
API = "/sandbox/google-calendar/calendar/v3"


def redirect_uri() -> str:
    return str(settings.SANDBOX_GOOGLE_CALENDAR_REDIRECT_URIS[0])


def query_of(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


@dataclass
class Consent:
    code: str
    verifier: str
    redirect: dict[str, str]


def consent(
    client: Client,
    *,
    email: str = seed.CREW_USER,
    scopes: tuple[str, ...] = PATCHBAY_SCOPES,
    ticked: tuple[str, ...] | None = None,
    action: str = "allow",
    **extra: str,
) -> Consent:
    """Authorize, sign in as `email`, answer the consent screen with `ticked` scopes (all
    by default); what the browser brings back to the redirect URI."""
    verifier = secrets.token_urlsafe(48)
    params = {
        "response_type": "code",
        "client_id": settings.GOOGLE_CALENDAR_CLIENT_ID,
        "redirect_uri": redirect_uri(),
        "scope": " ".join(scopes),
        "state": "state-42",
        "access_type": "offline",
        "code_challenge": s256(verifier),
        "code_challenge_method": "S256",
        **extra,
    }
    started = client.get(AUTHORIZE, params)
    assert started.status_code == 302, started.content
    signed_in = client.post(started["Location"], {"user": email})
    assert signed_in.status_code == 302, signed_in.content
    answer = {"action": action, "scope": list(scopes if ticked is None else ticked)}
    answered = client.post(signed_in["Location"], answer)
    assert answered.status_code == 302, answered.content
    redirect = query_of(str(answered["Location"]))
    return Consent(redirect.get("code", ""), verifier, redirect)


def redeem(client: Client, given: Consent, **overrides: str) -> Response:
    form = {
        "grant_type": "authorization_code",
        "code": given.code,
        "redirect_uri": redirect_uri(),
        "code_verifier": given.verifier,
        "client_id": settings.GOOGLE_CALENDAR_CLIENT_ID,
        "client_secret": settings.GOOGLE_CALENDAR_CLIENT_SECRET,
        **overrides,
    }
    return client.post(TOKEN, form)


def refresh(client: Client, refresh_token: str) -> Response:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": settings.GOOGLE_CALENDAR_CLIENT_ID,
        "client_secret": settings.GOOGLE_CALENDAR_CLIENT_SECRET,
    }
    return client.post(TOKEN, form)


def revoke(client: Client, token: str) -> Response:
    return client.post(f"{REVOKE}?token={token}")


def tokens(client: Client, **consent_args: Any) -> dict[str, Any]:
    response = redeem(client, consent(client, **consent_args))
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


@dataclass
class Google:
    """An app calling the Calendar API with one access token."""

    client: Client
    token: str
    # The last request sent: method, path with query, JSON body (None: no body).
    last: tuple[str, str, str | None] = ("", "", None)

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", **(extra or {})}

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Response:
        query = urlencode(params or {}, doseq=True)
        url = f"{API}/{path}" + (f"?{query}" if query else "")
        self.last = ("GET", url, None)
        return self.client.get(url, headers=self._headers(headers))

    def post(self, path: str, body: Any = None, **headers: str) -> Response:
        return self._send("post", path, body, headers)

    def patch(self, path: str, body: Any, **headers: str) -> Response:
        return self._send("patch", path, body, headers)

    def delete(self, path: str, **headers: str) -> Response:
        self.last = ("DELETE", f"{API}/{path}", None)
        return self.client.delete(f"{API}/{path}", headers=self._headers(headers))

    def _send(self, verb: str, path: str, body: Any, headers: dict[str, str]) -> Response:
        data = "" if body is None else json.dumps(body)
        self.last = (verb.upper(), f"{API}/{path}", data or None)
        send = getattr(self.client, verb)
        response: Response = send(
            f"{API}/{path}",
            data=data,
            content_type="application/json",
            headers=self._headers(headers),
        )
        return response


def google_for(client: Client, **consent_args: Any) -> Google:
    return Google(client, tokens(client, **consent_args)["access_token"])


def timed(day: int, hour: int, hours: int = 1, **extra: Any) -> dict[str, Any]:
    """An event body in June 2030, UTC."""
    return {
        "summary": "Dentist",
        "start": {"dateTime": f"2030-06-{day:02d}T{hour:02d}:00:00Z"},
        "end": {"dateTime": f"2030-06-{day:02d}T{hour + hours:02d}:00:00Z"},
        **extra,
    }
