"""Google as the OAuth 2.0 provider of crew calendars.

Web-server flow with PKCE; ``access_type=offline`` for a refresh token,
``prompt=consent`` so a reconnect gets a new one (Google sends one on the first
consent only), ``include_granted_scopes=true`` for incremental consent.
https://developers.google.com/identity/protocols/oauth2/web-server

Scopes, the fewest that do the job (https://developers.google.com/workspace/calendar/api/auth):
``calendar.app.created`` makes the dedicated Patchbay calendar, ``calendar.events``
writes to a calendar the user chose and reads their busy time with sync tokens and
watch channels, ``calendar.calendarlist.readonly`` lists calendars to choose from.
The person may untick some (granular consent): ``check`` says what is missing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings

from calendars.providers.google import errors
from integrations import http
from integrations.errors import ProviderError
from integrations.providers import OAuthProvider, RemoteOrganisation
from integrations.retry import Backoff

if TYPE_CHECKING:
    import requests

    from integrations.errors import ProviderUnavailable
    from integrations.models import Connection

AUTH = "https://www.googleapis.com/auth/"
EVENTS = f"{AUTH}calendar.events"
APP_CREATED = f"{AUTH}calendar.app.created"
CALENDAR_LIST = f"{AUTH}calendar.calendarlist.readonly"
AUTHORIZE_EXTRAS = "access_type=offline&include_granted_scopes=true&prompt=consent"


class GoogleCalendarProvider(OAuthProvider):
    slug = "google-calendar"
    name = "Google Calendar"
    scopes = (APP_CREATED, EVENTS, CALENDAR_LIST)
    uses_pkce = True
    token_endpoint_auth_method = "client_secret_post"  # noqa: S105 - a method name
    # Access tokens last about an hour; refresh tokens die after six months unused.
    refresh_margin = timedelta(minutes=5)
    keepalive_every = timedelta(days=7)
    authorize_url_setting = "GOOGLE_CALENDAR_AUTHORIZE_URL"
    token_url_setting = "GOOGLE_CALENDAR_TOKEN_URL"  # noqa: S105 - a setting's name
    revocation_url_setting = "GOOGLE_CALENDAR_REVOKE_URL"
    client_id_setting = "GOOGLE_CALENDAR_CLIENT_ID"
    client_secret_setting = "GOOGLE_CALENDAR_CLIENT_SECRET"  # noqa: S105 - a setting's name
    # No Retry-After is documented for Calendar: truncated exponential back-off with
    # jitter, as https://developers.google.com/workspace/calendar/api/guides/quota asks.
    rate_limit_backoff = Backoff.exponential(1.0, cap_s=64.0, jitter=(1.0, 1.25))

    @property
    def authorize_url(self) -> str:
        base = str(settings.GOOGLE_CALENDAR_AUTHORIZE_URL)
        return f"{base}{'&' if '?' in base else '?'}{AUTHORIZE_EXTRAS}"

    def throttled(self, response: requests.Response) -> ProviderUnavailable | None:
        return errors.throttled(response)

    def _primary(self, token: dict[str, Any]) -> str:
        """The account's primary calendar id, which is its email address."""
        url = f"{settings.GOOGLE_CALENDAR_API_BASE}/users/me/calendarList"
        response = http.request(
            "GET", url, access_token=str(token["access_token"]), params={"minAccessRole": "owner"}
        )
        if response.status_code != 200:
            raise ProviderError(f"Google did not list the calendars ({response.status_code})")
        for item in response.json().get("items", []):
            if item.get("primary"):
                return str(item["id"])
        raise ProviderError("Google returned no primary calendar for this account.")

    def subject(self, token: dict[str, Any]) -> str:
        return self._primary(token)

    def organisations(self, token: dict[str, Any]) -> list[RemoteOrganisation]:
        account = self._primary(token)  # one calendar account per consent
        return [RemoteOrganisation(remote_id=account, name=account)]

    def remove_remote_connection(self, connection: Connection) -> None:
        # Nothing to unlink at Google beyond the grant (revoked next) and the push
        # channel (the adapter's stop_watch, on disconnect).
        return None

    def check(self, connection: Connection) -> None:
        granted = set((connection.grant.scope if connection.grant else "").split())
        if not granted & {EVENTS, APP_CREATED}:
            raise ProviderError(
                "Google Calendar access was not granted: reconnect and leave "
                "'View and edit events' ticked."
            )
        from calendars.providers.google.adapter import GoogleCalendarAdapter

        GoogleCalendarAdapter(connection).calendars()
