"""accounts.google.com and oauth2.googleapis.com in the sandbox: what Google's
authorisation server does differently from the core's (sandbox/core/server.py).

- Scopes are URLs; the consent screen lets the person untick some (granular consent)
  and the token response's `scope` says what was granted.
- `include_granted_scopes=true` adds the scopes granted before (incremental consent).
- A refresh token comes only with `access_type=offline`, and only on the first consent
  or with `prompt=consent`; refreshes return an access token alone.
- PKCE (S256 or plain) is checked when a challenge was sent, and optional.
- Revocation takes the token as `token` (query or form), no client authentication,
  and ends every token of the grant.
https://developers.google.com/identity/protocols/oauth2/web-server
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from sandbox.core.authorize import AuthorizationRequest, Pkce, parse_scopes
from sandbox.core.clients import ClientAuth, RegisteredApp
from sandbox.core.crypto import digest
from sandbox.core.server import AuthorizationServer, Form, Paths, Pending, live_grant
from sandbox.google_calendar import seed, tokens
from sandbox.google_calendar.faults import switch
from sandbox.google_calendar.models import (
    GoogleAuthorizationCode,
    GoogleGrant,
    GoogleRefreshPresentation,
    GoogleToken,
    GoogleUser,
)

AUTH = "https://www.googleapis.com/auth/"
SCOPES = {
    f"{AUTH}calendar": "See, edit, share and permanently delete all your calendars",
    f"{AUTH}calendar.events": "View and edit events on all your calendars",
    f"{AUTH}calendar.app.created": "Make secondary calendars and manage their events",
    f"{AUTH}calendar.calendarlist.readonly": "See the list of calendars you subscribe to",
    f"{AUTH}calendar.readonly": "See and download any calendar you can access",
    f"{AUTH}calendar.freebusy": "See the availability on calendars you have access to",
}


def registered_app() -> RegisteredApp:
    return RegisteredApp(
        client_id=str(settings.GOOGLE_CALENDAR_CLIENT_ID),
        client_secret=str(settings.GOOGLE_CALENDAR_CLIENT_SECRET),
        redirect_uris=tuple(settings.SANDBOX_GOOGLE_CALENDAR_REDIRECT_URIS),
    )


class GoogleIdentity(AuthorizationServer):
    namespace = "google_calendar"
    product = "Google Calendar"
    company = "Google"
    signs_in_to = "Google"
    purpose = "wants to access your Google Account."
    paths = Paths(
        authorize="o/oauth2/v2/auth",
        sign_in="o/oauth2/sign-in",
        consent="o/oauth2/consent",
        tokens="token",
        revoke="revoke",
    )
    user_model = GoogleUser
    code_model = GoogleAuthorizationCode
    token_model = GoogleToken
    presentation_model = GoogleRefreshPresentation
    default_user = seed.CREW_USER
    scopes = SCOPES
    unknown_scope = "Some requested scopes were invalid."
    pkce = Pkce(("S256", "plain"))
    code_related = token_related = ("grant__user",)

    def registered_app(self) -> RegisteredApp:
        return registered_app()

    def seed(self) -> None:
        seed.ensure_demo_world()

    def extras(self, params: Form) -> dict[str, str]:
        return {
            "access_type": params.get("access_type", "online"),
            "prompt": params.get("prompt", ""),
            "include_granted_scopes": params.get("include_granted_scopes", ""),
        }

    def consent_step(
        self, request: HttpRequest, pending: Pending, user: GoogleUser
    ) -> HttpResponse:
        auth = pending.request
        if request.method == "POST":
            if request.POST.get("action") != "allow":
                return self.deny(request, pending)
            ticked = [s for s in request.POST.getlist("scope") if s in auth.scopes]
            return self.approve(request, pending, {"code": issue_code(user, auth, ticked)})
        context = {
            "app": self.registered_app(),
            "key": pending.key,
            "sandbox_user": user,
            "scopes": [(scope, self.scopes[scope]) for scope in auth.scopes],
        }
        return self.page(request, "sandbox/google_calendar/consent.html", context)

    def tokens_for_code(
        self, request: HttpRequest, code: GoogleAuthorizationCode, client: ClientAuth
    ) -> dict[str, Any]:
        return tokens.issue(code.grant, code.scope, with_refresh=code.with_refresh)

    def refresh_outcome(self, token: GoogleToken | None, client: ClientAuth) -> str:
        return self.refused_refresh(token, client) or GoogleRefreshPresentation.Outcome.REFRESHED

    def answer_refresh(
        self, request: HttpRequest, token: GoogleToken, raw: str, outcome: str
    ) -> dict[str, Any]:
        return tokens.refreshed(token)

    def presented_token(self, request: HttpRequest) -> str:
        return request.GET.get("token") or request.POST.get("token", "")

    def revocation_client(self, request: HttpRequest) -> ClientAuth:
        return ClientAuth("", secret_verified=False, used_basic=False)

    def revoke_token(self, raw: str, client: ClientAuth) -> None:
        token = GoogleToken.objects.select_related("grant").filter(token_hash=digest(raw)).first()
        if token is not None:
            tokens.revoke_grant(token.grant)


server = GoogleIdentity(switch)


def issue_code(user: GoogleUser, auth: AuthorizationRequest, ticked: list[str]) -> str:
    """A code for the scopes the person left ticked (plus, with include_granted_scopes,
    those granted before); it brings a refresh token on a first consent or a forced one."""
    with transaction.atomic():
        grant = live_grant(GoogleGrant, user=user, client_id=auth.client_id)
        granted = ticked
        if auth.extras.get("include_granted_scopes") == "true":
            granted = parse_scopes(" ".join([grant.scope, *ticked]))
        grant.scope = " ".join(granted)
        grant.save(update_fields=["scope"])
        offline = auth.extras.get("access_type") == "offline"
        first = not grant.refresh_issued or "consent" in auth.extras.get("prompt", "").split()
        return server.new_code(
            auth,
            int(settings.SANDBOX_GOOGLE_CALENDAR_CODE_SECONDS),
            scopes=tuple(granted),
            grant=grant,
            code_challenge=auth.code_challenge,
            code_challenge_method=auth.code_challenge_method,
            with_refresh=offline and first,
        )
